package dev.oceanj.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oceanj new DIR}: scaffolds an integration as a Maven project (Ocean's {@code ocean new}, without the
 * prompts): one kind read page by page from an HTTP API, its {@code .port/} files, a test on {@code ResyncHarness}
 * against a stand-in of that API, and a README. The project depends on the {@code oceanj-spi} artifacts of this
 * runtime's version; {@code mvn verify} passes right after generation.
 *
 * <p>Files come from the templates under {@code oceanj/new/} in the runtime JAR, with {@code {{name}}}
 * placeholders. Exit codes: 0 written; 2 a bad name, or DIR exists and is not empty; 1 a file could not be written.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
    description = "Scaffold a new integration as a Maven project that builds and passes its tests.")
public final class NewCommand implements Callable<Integer> {

  private static final String TEMPLATES = "oceanj/new/";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  private static final Pattern PACKAGE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

  @Parameters(index = "0", paramLabel = "DIR", description = "The project folder to create (must not hold files).")
  Path dir;

  @Option(names = {"-t", "--type"}, paramLabel = "TYPE",
      description = "The integration type, lower case with dashes (default: DIR's name).")
  String type;

  @Option(names = {"-k", "--kind"}, paramLabel = "KIND", defaultValue = "item",
      description = "The one kind to start with (default: ${DEFAULT-VALUE}).")
  String kind;

  @Option(names = "--package", paramLabel = "PACKAGE",
      description = "The Java package (default: com.example.oceanj.<type>).")
  String javaPackage;

  @Option(names = "--group-id", paramLabel = "GROUP", defaultValue = "com.example",
      description = "The Maven groupId (default: ${DEFAULT-VALUE}).")
  String groupId;

  private final CliIO io;

  public NewCommand(CliIO io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    String chosenType = type != null ? type : dir.toAbsolutePath().normalize().getFileName().toString()
        .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    List<String> problems = new ArrayList<>();
    if (!NAME.matcher(chosenType).matches()) {
      problems.add("--type '" + chosenType + "': use lower-case letters, digits and single dashes, starting with a "
          + "letter");
    }
    if (!NAME.matcher(kind).matches()) {
      problems.add("--kind '" + kind + "': use lower-case letters, digits and single dashes, starting with a letter");
    }
    String pkg = javaPackage != null ? javaPackage : "com.example.oceanj." + chosenType.replace("-", "");
    if (!PACKAGE.matcher(pkg).matches()) {
      problems.add("--package '" + pkg + "' is not a lower-case Java package name");
    }
    if (!PACKAGE.matcher(groupId).matches()) {
      problems.add("--group-id '" + groupId + "' is not a valid groupId (lower-case, dot-separated)");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> io.err().println("oceanj new: " + p));
      return 2;
    }
    if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir))) {
      io.err().println("oceanj new: " + dir + " exists and is not an empty folder; nothing was written");
      return 2;
    }
    Map<String, String> values = values(chosenType, kind, pkg, groupId);
    String src = pkg.replace('.', '/');
    String name = values.get("name");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("pom.xml", "pom.xml.tmpl");
    files.put("README.md", "README.md.tmpl");
    files.put(".port/spec.yaml", "spec.yaml.tmpl");
    files.put(".port/resources/blueprints.json", "blueprints.json.tmpl");
    files.put(".port/resources/port-app-config.yml", "port-app-config.yml.tmpl");
    files.put("src/main/java/" + src + "/" + name + "Integration.java", "Integration.java.tmpl");
    files.put("src/main/java/" + src + "/" + name + "Settings.java", "Settings.java.tmpl");
    files.put("src/main/java/" + src + "/" + name + "Client.java", "Client.java.tmpl");
    files.put("src/main/resources/META-INF/services/dev.oceanj.spi.Integration", "services.tmpl");
    files.put("src/test/java/" + src + "/" + name + "IntegrationTest.java", "IntegrationTest.java.tmpl");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path out = dir.resolve(f.getKey());
      try {
        Files.createDirectories(out.getParent());
        Files.writeString(out, render(template(f.getValue()), values), StandardCharsets.UTF_8);
      } catch (IOException e) {
        io.err().println("oceanj new: cannot write " + out + ": " + e.getMessage());
        return 1;
      }
    }
    io.out().println("Created integration '" + chosenType + "' (kind '" + kind + "') in " + dir + ": "
        + files.size() + " files");
    io.out().println("Next: cd " + dir + " && mvn -B verify");
    return 0;
  }

  /** The placeholder values for one project. */
  static Map<String, String> values(String type, String kind, String pkg, String groupId) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("type", type);
    v.put("kind", kind);
    v.put("package", pkg);
    v.put("packagePath", pkg.replace('.', '/'));
    v.put("groupId", groupId);
    v.put("name", camel(type, true));
    v.put("title", words(type));
    v.put("kindTitle", words(kind));
    v.put("kindConstant", kind.toUpperCase(Locale.ROOT).replace('-', '_'));
    v.put("kindMethod", camel(kind, false) + "Page");
    v.put("blueprint", type + "-" + kind);
    v.put("oceanjVersion", RuntimeVersion.current());
    v.put("junitVersion", RuntimeVersion.junit());
    return v;
  }

  /** Replaces every {@code {{key}}}; an unknown key is a bug in the templates. */
  static String render(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("template placeholder {{" + m.group(1) + "}} has no value");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String template(String name) {
    try (InputStream in = NewCommand.class.getClassLoader().getResourceAsStream(TEMPLATES + name)) {
      if (in == null) {
        throw new IllegalStateException("template " + TEMPLATES + name + " is missing from the runtime JAR");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + TEMPLATES + name, e);
    }
  }

  private static boolean isEmpty(Path folder) {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }

  private static String camel(String dashed, boolean upperFirst) {
    StringBuilder b = new StringBuilder();
    for (String w : dashed.split("-")) {
      b.append(b.length() == 0 && !upperFirst ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1));
    }
    return b.toString();
  }

  private static String words(String dashed) {
    StringBuilder b = new StringBuilder();
    for (String w : dashed.split("-")) {
      b.append(b.length() == 0 ? "" : " ").append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
    }
    return b.toString();
  }
}
