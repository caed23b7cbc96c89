package dev.oceanj.integrations.fake;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The fake organisation, generated on demand from (seed, department, index): nothing is held per person, so a
 * department of any size costs no memory. The same settings always give the same data.
 *
 * <p>Counts for Ocean's measured run (entityAmount 4,000): 5 departments + 20,000 persons + 8 offices + 12 teams
 * + 40 projects = 20,065 entities, the same as Ocean's fake integration (its static 8 offices, 12 teams and
 * default 40 projects). With {@code singleDepartmentRun} only the first department, its persons and its
 * 3 teams remain; offices and projects stay (projects are then all owned by that department's persons).
 */
final class FakeOrg {

  record Department(String id, String name) {}

  record Office(String id, String name, String city, String country, List<String> lines, double lat, double lng) {}

  record Team(String id, String name, int department, String leadName, String leadEmail) {}

  static final List<Department> DEPARTMENTS = List.of(new Department("hr", "hr"),
      new Department("marketing", "marketing"), new Department("finance", "finance"),
      new Department("support", "support"), new Department("morpazia", "morpazia"));

  static final List<Office> OFFICES = List.of(
      new Office("office-tel-aviv", "Tel Aviv", "Tel Aviv", "Israel", List.of("Rothschild Blvd 22", "Floor 9"),
          32.0636, 34.7722),
      new Office("office-new-york", "New York", "New York", "USA", List.of("Broadway 350", "Suite 1200"), 40.7158,
          -74.0027),
      new Office("office-london", "London", "London", "UK", List.of("Old Street 40"), 51.5256, -0.0875),
      new Office("office-berlin", "Berlin", "Berlin", "Germany", List.of("Friedrichstrasse 68", "Aufgang B"),
          52.5096, 13.3895),
      new Office("office-lisbon", "Lisbon", "Lisbon", "Portugal", List.of("Avenida da Liberdade 110"), 38.7194,
          -9.1442),
      new Office("office-bangalore", "Bangalore", "Bengaluru", "India", List.of("MG Road 12", "Block C"), 12.9756,
          77.6050),
      new Office("office-sao-paulo", "Sao Paulo", "Sao Paulo", "Brazil", List.of("Avenida Paulista 900"),
          -23.5646, -46.6527),
      new Office("office-melbourne", "Melbourne", "Melbourne", "Australia", List.of("Collins Street 101", "Level 4"),
          -37.8141, 144.9706));

  static final List<Team> TEAMS = List.of(
      new Team("team-people-ops", "People Ops", 0, "Noa Segal", "noa.segal@example.com"),
      new Team("team-recruiting", "Recruiting", 0, "Idris Bello", "idris.bello@example.com"),
      new Team("team-learning", "Learning", 0, "Mei Tanaka", "mei.tanaka@example.com"),
      new Team("team-campaigns", "Campaigns", 1, "Lucia Romero", "lucia.romero@example.com"),
      new Team("team-content", "Content", 1, "Tomas Novak", "tomas.novak@example.com"),
      new Team("team-billing", "Billing", 2, "Priya Nair", "priya.nair@example.com"),
      new Team("team-treasury", "Treasury", 2, "Erik Lund", "erik.lund@example.com"),
      new Team("team-helpdesk", "Helpdesk", 3, "Amara Okafor", "amara.okafor@example.com"),
      new Team("team-escalations", "Escalations", 3, "Jonas Weber", "jonas.weber@example.com"),
      new Team("team-research", "Research", 4, "Sofia Rossi", "sofia.rossi@example.com"),
      new Team("team-prototypes", "Prototypes", 4, "Kenji Mori", "kenji.mori@example.com"),
      new Team("team-platform", "Platform", 4, "Hana Kim", "hana.kim@example.com"));

  static final int PROJECTS = 40;

  private static final String[] FIRST = {"Ada", "Ben", "Chloe", "Dan", "Eva", "Finn", "Gal", "Hugo", "Iris", "Jack",
      "Kira", "Liam", "Maya", "Nils", "Omer", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uri", "Vera", "Will", "Xena",
      "Yael", "Zane", "Alma", "Boaz", "Cleo", "Dror", "Elin", "Felix"};
  private static final String[] LAST = {"Abrams", "Baker", "Cohen", "Diaz", "Evans", "Fischer", "Garcia", "Hayes",
      "Ito", "Jensen", "Katz", "Levi", "Moreau", "Nagy", "Olsen", "Perez", "Quist", "Reyes", "Stone", "Tal", "Ueda",
      "Varga", "Walsh", "Xu", "Yilmaz", "Zur", "Amar", "Brook", "Carmi", "Dahl", "Eder", "Frost"};
  private static final String[] FIRST_LOWER = lower(FIRST);
  private static final String[] LAST_LOWER = lower(LAST);
  private static final String[] ADJECTIVES = {"Quantum", "Silent", "Rapid", "Crimson", "Open", "Hidden", "Bright",
      "Northern", "Atomic", "Gentle", "Iron", "Lucid", "Modular", "Nimble", "Polar", "Solar"};
  private static final String[] NOUNS = {"Harbor", "Falcon", "Ledger", "Beacon", "Canvas", "Engine", "Garden",
      "Bridge", "Compass", "Lantern", "Meadow", "Orbit", "Pipeline", "Relay", "Summit", "Vertex"};
  private static final String[] PROJECT_STATUSES = {"active", "completed", "pending"};
  private static final char[][] WORDS = words("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
      + "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco "
      + "laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum "
      + "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt "
      + "mollit anim id est laborum lacus nunc");

  private final long seed;
  private final int version;
  private final List<Department> departments;
  private final List<Team> teams;
  private final int personsPerDepartment;

  FakeOrg(FakeSettings settings) {
    this.seed = settings.seed();
    this.version = settings.personsVersion();
    this.departments = settings.singleDepartmentRun() ? DEPARTMENTS.subList(0, 1) : DEPARTMENTS;
    this.teams = TEAMS.stream().filter(team -> team.department() < departments.size()).toList();
    this.personsPerDepartment = settings.personsPerDepartment();
  }

  List<Department> departments() {
    return departments;
  }

  int departmentIndex(String id) {
    for (int i = 0; i < departments.size(); i++) {
      if (departments.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  int personsPerDepartment() {
    return personsPerDepartment;
  }

  List<Team> teams() {
    return teams;
  }

  void writeDepartment(JsonGenerator g, int index) throws IOException {
    Department department = departments.get(index);
    g.writeStartObject();
    g.writeStringField("id", department.id());
    g.writeStringField("name", department.name());
    g.writeEndObject();
  }

  /** Writes person {@code index} of department {@code department}; {@code bio} is scratch space (≥ kbSize KiB). */
  void writePerson(JsonGenerator g, int department, int index, int kbSize, char[] bio) throws IOException {
    long stable = mix(mix(seed ^ 0x5DEECE66DL, department), index);
    long varying = mix(stable, version + 1L);
    Department dept = departments.get(department);
    String id = dept.id() + "-" + index;
    int first = (int) Math.floorMod(stable, (long) FIRST.length);
    int last = (int) Math.floorMod(stable >>> 24, (long) LAST.length);
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("name", FIRST[first] + " " + LAST[last]);
    g.writeStringField("email", FIRST_LOWER[first] + "." + LAST_LOWER[last] + "." + id + "@example.com");
    g.writeStringField("status", Math.floorMod(varying, 3L) == 1 ? "NOPE" : "WORKING");
    g.writeNumberField("age", 20 + (int) Math.floorMod(varying >>> 16, 81L));
    g.writeObjectFieldStart("department");
    g.writeStringField("id", dept.id());
    g.writeStringField("name", dept.name());
    g.writeEndObject();
    g.writeFieldName("bio");
    g.writeString(bio, 0, fillText(varying, bio, kbSize * 1024));
    g.writeEndObject();
  }

  void writeOffice(JsonGenerator g, int index) throws IOException {
    Office office = OFFICES.get(index);
    g.writeStartObject();
    g.writeStringField("id", office.id());
    g.writeStringField("name", office.name());
    g.writeObjectFieldStart("address");
    g.writeStringField("city", office.city());
    g.writeStringField("country", office.country());
    g.writeArrayFieldStart("lines");
    for (String line : office.lines()) {
      g.writeString(line);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("geo");
    g.writeNumberField("lat", office.lat());
    g.writeNumberField("lng", office.lng());
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  void writeTeam(JsonGenerator g, int index) throws IOException {
    Team team = teams.get(index);
    g.writeStartObject();
    g.writeStringField("id", team.id());
    g.writeStringField("name", team.name());
    g.writeObjectFieldStart("department");
    g.writeStringField("id", departments.get(team.department()).id());
    g.writeStringField("name", departments.get(team.department()).name());
    g.writeEndObject();
    g.writeObjectFieldStart("lead");
    g.writeStringField("name", team.leadName());
    g.writeStringField("email", team.leadEmail());
    g.writeEndObject();
    g.writeEndObject();
  }

  /** Project {@code index} is owned by a person of department {@code index % departments}, spread over them. */
  void writeProject(JsonGenerator g, int index) throws IOException {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L, index);
    int department = index % departments.size();
    int owner = personsPerDepartment == 0 ? 0 : (int) ((index / departments.size()) * 7919L % personsPerDepartment);
    Department dept = departments.get(department);
    long stable = mix(mix(seed ^ 0x5DEECE66DL, department), owner);
    int first = (int) Math.floorMod(stable, (long) FIRST.length);
    int last = (int) Math.floorMod(stable >>> 24, (long) LAST.length);
    String ownerId = dept.id() + "-" + owner;
    g.writeStartObject();
    g.writeStringField("id", String.format(Locale.ROOT, "proj-%03d", index + 1));
    g.writeStringField("name", ADJECTIVES[(int) Math.floorMod(h, (long) ADJECTIVES.length)] + " "
        + NOUNS[(int) Math.floorMod(h >>> 8, (long) NOUNS.length)]);
    g.writeStringField("status", PROJECT_STATUSES[(int) Math.floorMod(h >>> 16, 3L)]);
    g.writeObjectFieldStart("owner");
    g.writeStringField("id", ownerId);
    g.writeStringField("name", FIRST[first] + " " + LAST[last]);
    g.writeStringField("email", FIRST_LOWER[first] + "." + LAST_LOWER[last] + "." + ownerId + "@example.com");
    g.writeObjectFieldStart("department");
    g.writeStringField("id", dept.id());
    g.writeStringField("name", dept.name());
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  /** Fills {@code out} with exactly {@code length} chars of lorem-ipsum words drawn from {@code state}. */
  static int fillText(long state, char[] out, int length) {
    int pos = 0;
    long bits = mix(state, 0x632BE59BD9B4E019L);
    int left = 10;
    while (pos < length) {
      if (left == 0) {
        bits = mix(bits, pos);
        left = 10;
      }
      char[] word = WORDS[(int) (bits & 63)];
      bits >>>= 6;
      left--;
      if (pos > 0) {
        out[pos++] = ' ';
      }
      int n = Math.min(word.length, length - pos);
      System.arraycopy(word, 0, out, pos, n);
      pos += n;
    }
    if (length > 0) {
      out[length - 1] = '.';
    }
    return length;
  }

  /** SplitMix64's finaliser over {@code a + b}: a cheap, well-spread hash for seeding each generated value. */
  static long mix(long a, long b) {
    long z = a + 0x9E3779B97F4A7C15L * (b + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String[] lower(String[] names) {
    String[] result = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      result[i] = names[i].toLowerCase(Locale.ROOT);
    }
    return result;
  }

  private static char[][] words(String text) {
    String[] split = text.split(" ");
    if (split.length != 64) {
      throw new AssertionError("the word list must hold 64 words, holds " + split.length);
    }
    char[][] result = new char[split.length][];
    for (int i = 0; i < split.length; i++) {
      result[i] = split[i].toCharArray();
    }
    return result;
  }
}
