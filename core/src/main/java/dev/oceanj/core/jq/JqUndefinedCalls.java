package dev.oceanj.core.jq;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.internal.tree.FunctionCall;
import net.thisptr.jackson.jq.internal.tree.FunctionDefinition;

/**
 * jq rejects a program that calls a function it does not define when it compiles it ({@code str/0 is not defined});
 * jackson-jq looks functions up only when the call runs. This finds such a call in a compiled program, so the engine
 * fails where jq does: a mapping with one is refused at start, not field by field while a resync runs.
 *
 * <p>It reads jackson-jq's syntax tree by reflection (the tree has no public visitor). A name defined anywhere in the
 * program ({@code def}, or a parameter of one) counts as defined for every arity: the check only reports what is
 * certainly undefined.
 */
final class JqUndefinedCalls {

  private static final String TREE_PACKAGE = "net.thisptr.jackson.jq";
  private static final Map<Class<?>, List<Field>> FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

  private JqUndefinedCalls() {}

  /**
   * The first call, as {@code name/arity}, that neither {@code root} nor the program defines, or that
   * {@code notDefined} lists (builtins of older jq versions that jq 1.8.1 no longer has).
   */
  static Optional<String> first(Object compiled, Scope root, Set<String> notDefined) {
    Set<String> local = new HashSet<>();
    Deque<FunctionCall> calls = new ArrayDeque<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> todo = new ArrayDeque<>();
    java.util.function.Consumer<Object> push = v -> {
      if (v != null) {
        todo.push(v);
      }
    };
    push.accept(compiled);
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (!seen.add(o)) {
        continue;
      }
      if (o instanceof Collection<?> c) {
        c.forEach(push);
        continue;
      }
      if (o instanceof Map<?, ?> m) {
        m.values().forEach(push);
        continue;
      }
      if (o instanceof Object[] a) {
        for (Object e : a) {
          push.accept(e);
        }
        continue;
      }
      if (!o.getClass().getName().startsWith(TREE_PACKAGE)) {
        continue;
      }
      if (o instanceof FunctionCall call) {
        calls.add(call);
      }
      for (Field f : fields(o.getClass())) {
        Object v = read(f, o);
        if (o instanceof FunctionDefinition) {
          if (f.getName().equals("fname") && v instanceof String name) {
            local.add(name);
          } else if (f.getName().equals("args") && v instanceof List<?> params) {
            params.forEach(p -> local.add(String.valueOf(p).replace("$", "")));
          }
        }
        push.accept(v);
      }
    }
    for (FunctionCall call : calls) {
      String name = (String) read(field(FunctionCall.class, "name"), call);
      List<?> args = (List<?>) read(field(FunctionCall.class, "args"), call);
      Object module = read(field(FunctionCall.class, "moduleName"), call);
      if (name == null || module != null || local.contains(name)) {
        continue;
      }
      int arity = args == null ? 0 : args.size();
      String key = name + "/" + arity;
      if (notDefined.contains(key) || root.getFunction(name, arity) == null) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  private static List<Field> fields(Class<?> type) {
    return FIELDS.computeIfAbsent(type, t -> {
      List<Field> out = new java.util.ArrayList<>();
      for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
            f.setAccessible(true);
            out.add(f);
          }
        }
      }
      return List.copyOf(out);
    });
  }

  private static Field field(Class<?> type, String name) {
    return fields(type).stream().filter(f -> f.getName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("jackson-jq's " + type.getSimpleName() + " has no " + name));
  }

  private static Object read(Field f, Object o) {
    try {
      return f.get(o);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read jackson-jq's syntax tree: " + e, e);
    }
  }
}
