package dev.oceanj.actors.resync;

import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small 3rd-party system for supervisor tests: departments (one call) and persons (paged), with knobs to
 * drop persons, break persons midway, or hold a page until released.
 */
final class TestCatalog {

  record Department(String id, String name) {}

  record Person(String id, String name, String email, String dept) {}

  volatile int departments = 3;
  volatile int persons = 250;
  volatile int pageSize = 50;
  final Set<Integer> dropped = ConcurrentHashMap.newKeySet();
  final Set<Integer> withoutEmail = ConcurrentHashMap.newKeySet();
  /** Pages of persons served before the source fails; negative never fails. */
  volatile int failAfterPages = -1;
  /** When set, the second page of persons waits for it (to hold a resync mid-flight). */
  volatile CompletableFuture<Void> gate;
  final AtomicInteger pagesServed = new AtomicInteger();
  final AtomicInteger personAttempts = new AtomicInteger();

  Optional<ResyncSource<?>> source(String kind) {
    if (kind.equals("dept")) {
      return Optional.of(ResyncSource.single(() -> {
        List<Department> out = new ArrayList<>();
        for (int i = 0; i < departments; i++) {
          out.add(new Department("d" + i, "Department " + i));
        }
        return CompletableFuture.completedFuture(out);
      }));
    }
    if (kind.equals("person")) {
      return Optional.of(ResyncSource.paged(cursor -> {
        int from = cursor.map(Integer::parseInt).orElse(0);
        if (from == 0) {
          personAttempts.incrementAndGet();
        }
        int page = from / pageSize;
        if (failAfterPages >= 0 && page >= failAfterPages) {
          return CompletableFuture.failedFuture(new IllegalStateException("3rd-party API broke on page " + page));
        }
        CompletableFuture<Void> g = gate;
        CompletableFuture<Void> wait = page == 1 && g != null ? g : CompletableFuture.completedFuture(null);
        return wait.thenApply(v -> {
          pagesServed.incrementAndGet();
          List<Person> out = new ArrayList<>();
          int to = Math.min(persons, from + pageSize);
          for (int i = from; i < to; i++) {
            if (!dropped.contains(i)) {
              out.add(new Person("p" + i, "Person " + i, withoutEmail.contains(i) ? null : "p" + i + "@example.com",
                  "d" + (i % departments)));
            }
          }
          return to < persons ? Page.of(out, String.valueOf(to)) : Page.last(out);
        });
      }));
    }
    return Optional.empty();
  }

  static final String BLUEPRINT_DEPT = """
      {"identifier": "dept", "title": "Department", "schema": {"properties": {"name": {"type": "string"}}}}
      """;

  static final String BLUEPRINT_PERSON = """
      {"identifier": "person", "title": "Person",
       "schema": {"properties": {"name": {"type": "string"}, "email": {"type": "string"}}, "required": ["email"]},
       "relations": {"department": {"title": "Department", "target": "dept", "many": false, "required": false}}}
      """;

  static String mapping(double threshold, boolean createMissing, String... extraKinds) {
    StringBuilder extra = new StringBuilder();
    for (String k : extraKinds) {
      extra.append("""
            - kind: %s
              selector: {query: 'true'}
              port: {entity: {mappings: {identifier: .id, blueprint: '"dept"'}}}
          """.formatted(k));
    }
    return """
        entityDeletionThreshold: %s
        createMissingRelatedEntities: %s
        deleteDependentEntities: true
        resources:
          - kind: dept
            selector: {query: 'true'}
            port:
              entity:
                mappings:
                  identifier: .id
                  title: .name
                  blueprint: '"dept"'
                  properties: {name: .name}
          - kind: person
            selector: {query: 'true'}
            port:
              entity:
                mappings:
                  identifier: .id
                  title: .name
                  blueprint: '"person"'
                  properties: {name: .name, email: .email}
                  relations: {department: .dept}
        """.formatted(threshold, createMissing) + extra;
  }
}
