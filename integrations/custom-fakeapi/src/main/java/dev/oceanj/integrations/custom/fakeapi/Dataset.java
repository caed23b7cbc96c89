package dev.oceanj.integrations.custom.fakeapi;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data the fake API serves, each item a function of (seed, resource, index, data version), written straight to
 * the response as it is generated.
 *
 * <pre>
 * /items                                          item-1 .. item-N
 * /projects                                       proj-1 .. proj-P (every 4th archived)
 * /projects/proj-J/issues                         proj-J-issue-1 .. proj-J-issue-I
 * /projects/proj-J/issues/K/comments              proj-J-issue-K-comment-1 .. -C
 * </pre>
 *
 * A listing's key is its path; an item's id says which listing it belongs to, so ids alone name what to remove.
 */
final class Dataset {

  static final String ITEMS = "/items";
  static final String PROJECTS = "/projects";

  private static final Pattern ISSUES = Pattern.compile("/projects/proj-(\\d+)/issues");
  private static final Pattern COMMENTS = Pattern.compile("/projects/proj-(\\d+)/issues/(\\d+)/comments");
  private static final Pattern ITEM_ID = Pattern.compile("item-(\\d+)");
  private static final Pattern PROJECT_ID = Pattern.compile("proj-(\\d+)");
  private static final Pattern ISSUE_ID = Pattern.compile("proj-(\\d+)-issue-(\\d+)");
  private static final Pattern COMMENT_ID = Pattern.compile("proj-(\\d+)-issue-(\\d+)-comment-(\\d+)");
  private static final List<String> TAGS = List.of("blue", "green", "red", "amber", "teal", "violet");
  private static final long CREATED_BASE = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();

  /** What a listing path resolves to: its size and how to write its items. */
  interface Resource {
    long size();

    void write(JsonGenerator g, long index, int version) throws IOException;

    /** The item at {@code index} has {@code status} (only items have one to filter on). */
    default boolean hasStatus(long index, String status) {
      return true;
    }
  }

  /** An item id resolved to its listing and index. */
  record Position(String listing, long index) {
  }

  private final FakeApiSettings settings;
  private final AtomicLong items;

  Dataset(FakeApiSettings settings) {
    this.settings = settings;
    this.items = new AtomicLong(settings.items());
  }

  /** Changes the size of {@code /items}: items beyond it disappear, items up to it appear. */
  void items(long size) {
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new FakeApi.BadRequest("items must be between 0 and " + Integer.MAX_VALUE + ", was " + size);
    }
    items.set(size);
  }

  void resetItems() {
    items.set(settings.items());
  }

  /** The listing at a path, if the path names one (parents are checked against their own listings by the caller). */
  Optional<Resource> resource(String path) {
    if (path.equals(ITEMS)) {
      return Optional.of(new Items());
    }
    if (path.equals(PROJECTS)) {
      return Optional.of(new Projects());
    }
    Matcher issues = ISSUES.matcher(path);
    if (issues.matches()) {
      return Optional.of(new Issues(Integer.parseInt(issues.group(1))));
    }
    Matcher comments = COMMENTS.matcher(path);
    if (comments.matches()) {
      return Optional.of(new Comments(Integer.parseInt(comments.group(1)), Integer.parseInt(comments.group(2))));
    }
    return Optional.empty();
  }

  /** The parents a listing path depends on, each as (listing, index), outermost first. */
  List<Position> parents(String path) {
    Matcher issues = ISSUES.matcher(path);
    if (issues.matches()) {
      return List.of(new Position(PROJECTS, Long.parseLong(issues.group(1)) - 1));
    }
    Matcher comments = COMMENTS.matcher(path);
    if (comments.matches()) {
      String project = comments.group(1);
      return List.of(new Position(PROJECTS, Long.parseLong(project) - 1),
          new Position("/projects/proj-" + project + "/issues", Long.parseLong(comments.group(2)) - 1));
    }
    return List.of();
  }

  /** Where an item id lives, or empty when the id names nothing this API generates. */
  Optional<Position> position(String id) {
    Matcher m = COMMENT_ID.matcher(id);
    if (m.matches()) {
      return within("/projects/proj-" + m.group(1) + "/issues/" + m.group(2) + "/comments", m.group(3));
    }
    m = ISSUE_ID.matcher(id);
    if (m.matches()) {
      return within("/projects/proj-" + m.group(1) + "/issues", m.group(2));
    }
    m = PROJECT_ID.matcher(id);
    if (m.matches()) {
      return within(PROJECTS, m.group(1));
    }
    m = ITEM_ID.matcher(id);
    if (m.matches()) {
      return within(ITEMS, m.group(1));
    }
    return Optional.empty();
  }

  private Optional<Position> within(String listing, String number) {
    long index = Long.parseLong(number) - 1;
    boolean parentsExist = parents(listing).stream()
        .allMatch(p -> p.index() >= 0 && p.index() < resource(p.listing()).orElseThrow().size());
    if (!parentsExist || index < 0 || index >= resource(listing).orElseThrow().size()) {
      return Optional.empty();
    }
    return Optional.of(new Position(listing, index));
  }

  private long hash(long salt, long number) {
    long z = settings.seed() * 0x9E3779B97F4A7C15L + salt * 0xD1B54A32D192ED03L + number;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** ISO-8601 UTC to the second, as {@code Instant.toString} writes it, in a fraction of its time. */
  static String timestamp(long epochSecond) {
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400));
    int seconds = (int) Math.floorMod(epochSecond, 86_400);
    char[] text = "0000-00-00T00:00:00Z".toCharArray();
    digits(text, 0, date.getYear(), 4);
    digits(text, 5, date.getMonthValue(), 2);
    digits(text, 8, date.getDayOfMonth(), 2);
    digits(text, 11, seconds / 3600, 2);
    digits(text, 14, seconds / 60 % 60, 2);
    digits(text, 17, seconds % 60, 2);
    return new String(text);
  }

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static String user(long h) {
    return "user-" + (Math.floorMod(h >>> 16, 50) + 1);
  }

  private final class Items implements Resource {
    @Override
    public long size() {
      return items.get();
    }

    @Override
    public boolean hasStatus(long index, String status) {
      return status(hash(1, index + 1)).equals(status);
    }

    private String status(long h) {
      return Math.floorMod(h, 5) == 0 ? "archived" : "active";
    }

    @Override
    public void write(JsonGenerator g, long index, int version) throws IOException {
      long number = index + 1;
      long h = hash(1, number);
      String user = user(h);
      g.writeStartObject();
      g.writeStringField("id", "item-" + number);
      g.writeStringField("name", version == 1 ? "Item " + number : "Item " + number + " v" + version);
      g.writeStringField("status", status(h));
      g.writeNumberField("score", Math.floorMod((h >>> 8) + version - 1, 100));
      g.writeObjectFieldStart("owner");
      g.writeStringField("login", user);
      g.writeStringField("email", user + "@example.com");
      g.writeEndObject();
      g.writeArrayFieldStart("tags");
      g.writeString(TAGS.get(Math.floorMod(h >>> 24, TAGS.size())));
      g.writeString(TAGS.get(Math.floorMod(h >>> 32, TAGS.size())));
      g.writeEndArray();
      g.writeStringField("createdAt", timestamp(CREATED_BASE + number * 60));
      g.writeNumberField("version", version);
      g.writeEndObject();
    }
  }

  private final class Projects implements Resource {
    @Override
    public long size() {
      return settings.projects();
    }

    @Override
    public void write(JsonGenerator g, long index, int version) throws IOException {
      long number = index + 1;
      g.writeStartObject();
      g.writeStringField("id", "proj-" + number);
      g.writeStringField("key", "PRJ" + number);
      g.writeStringField("name", version == 1 ? "Project " + number : "Project " + number + " v" + version);
      g.writeStringField("status", number % 4 == 0 ? "archived" : "active");
      g.writeStringField("lead", user(hash(2, number)));
      g.writeNumberField("version", version);
      g.writeEndObject();
    }
  }

  private final class Issues implements Resource {
    private final int project;

    Issues(int project) {
      this.project = project;
    }

    @Override
    public long size() {
      return settings.issuesPerProject();
    }

    @Override
    public void write(JsonGenerator g, long index, int version) throws IOException {
      long number = index + 1;
      long h = hash(3, project * 1_000_003L + number);
      g.writeStartObject();
      g.writeStringField("id", "proj-" + project + "-issue-" + number);
      g.writeNumberField("number", number);
      g.writeStringField("title", "Issue " + number + " of proj-" + project + (version == 1 ? "" : " v" + version));
      g.writeStringField("state", Math.floorMod(h, 3) == 0 ? "closed" : "open");
      g.writeStringField("projectId", "proj-" + project);
      g.writeStringField("assignee", user(h));
      g.writeNumberField("version", version);
      g.writeEndObject();
    }
  }

  private final class Comments implements Resource {
    private final int project;
    private final int issue;

    Comments(int project, int issue) {
      this.project = project;
      this.issue = issue;
    }

    @Override
    public long size() {
      return settings.commentsPerIssue();
    }

    @Override
    public void write(JsonGenerator g, long index, int version) throws IOException {
      long number = index + 1;
      String prefix = "proj-" + project + "-issue-" + issue;
      g.writeStartObject();
      g.writeStringField("id", prefix + "-comment-" + number);
      g.writeStringField("issueId", prefix);
      g.writeStringField("author", user(hash(4, (project * 1_000_003L + issue) * 1_009L + number)));
      g.writeStringField("body", "Comment " + number + " on proj-" + project + "#" + issue);
      g.writeNumberField("version", version);
      g.writeEndObject();
    }
  }
}
