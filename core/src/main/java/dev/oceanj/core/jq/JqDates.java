package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * jq's date builtins over "broken down time" arrays {@code [year, month0, mday, hours, minutes, seconds,
 * wday, yday]}: {@code gmtime}, {@code localtime}, {@code mktime}, {@code strftime}, {@code strptime} with
 * the C library's conversions (glibc's, which is what jq 1.8.1 uses on Linux), and jq's error messages.
 */
final class JqDates {

  private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
      "Saturday"};
  private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"};

  private JqDates() {}

  /** A C {@code struct tm}; {@code sec} keeps jq's fractional seconds. */
  record Tm(long year, int mon, int mday, int hour, int min, double sec, int wday, int yday) {

    ArrayNode toJson() {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      a.add(year).add(mon).add(mday).add(hour).add(min);
      if (sec == Math.rint(sec)) {
        a.add((long) sec);
      } else {
        a.add(sec);
      }
      return a.add(wday).add(yday);
    }

    static Tm of(ZonedDateTime t, double fraction) {
      return new Tm(t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(),
          t.getSecond() + fraction, t.getDayOfWeek().getValue() % 7, t.getDayOfYear() - 1);
    }
  }

  /** jq's gmtime/localtime: seconds since the epoch, truncated like C's {@code time_t}, fraction kept. */
  static Tm fromEpoch(double secs, ZoneId zone) {
    long whole = (long) secs;
    ZonedDateTime t = Instant.ofEpochSecond(whole).atZone(zone);
    return Tm.of(t, secs - Math.floor(secs));
  }

  /** jq's jv2tm: each element a number, missing trailing ones default to 0; null when not a datetime. */
  static Tm fromJson(JsonNode a) {
    if (!a.isArray()) {
      return null;
    }
    double[] f = new double[8];
    for (int i = 0; i < 8 && i < a.size(); i++) {
      if (!a.get(i).isNumber()) {
        return null;
      }
      f[i] = a.get(i).doubleValue();
    }
    return new Tm((long) f[0], (int) f[1], (int) f[2], (int) f[3], (int) f[4], (int) f[5], (int) f[6], (int) f[7]);
  }

  /** C's timegm (or mktime in {@code zone}): out-of-range fields carry over, as in C. */
  static long toEpoch(Tm tm, ZoneId zone) {
    LocalDateTime t = LocalDateTime.of(0, 1, 1, 0, 0).plusYears(tm.year()).plusMonths(tm.mon())
        .plusDays(tm.mday() - 1L).plusHours(tm.hour()).plusMinutes(tm.min()).plusSeconds((long) tm.sec());
    return t.atZone(zone).toEpochSecond();
  }

  static String strftime(Tm tm, String fmt, ZoneId zone) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%' || i + 1 >= fmt.length()) {
        b.append(c);
        continue;
      }
      char d = fmt.charAt(++i);
      while ((d == '-' || d == '_' || d == '0' || d == 'E' || d == 'O') && i + 1 < fmt.length()) {
        d = fmt.charAt(++i);
      }
      int isec = (int) tm.sec();
      switch (d) {
        case 'Y': b.append(tm.year()); break;
        case 'C': pad(b, Math.floorDiv(tm.year(), 100), 2); break;
        case 'y': pad(b, Math.floorMod(tm.year(), 100), 2); break;
        case 'm': pad(b, tm.mon() + 1, 2); break;
        case 'd': pad(b, tm.mday(), 2); break;
        case 'e': spacePad(b, tm.mday()); break;
        case 'H': pad(b, tm.hour(), 2); break;
        case 'k': spacePad(b, tm.hour()); break;
        case 'I': pad(b, hour12(tm.hour()), 2); break;
        case 'l': spacePad(b, hour12(tm.hour())); break;
        case 'M': pad(b, tm.min(), 2); break;
        case 'S': pad(b, isec, 2); break;
        case 'j': pad(b, tm.yday() + 1, 3); break;
        case 'a': b.append(name(DAYS, tm.wday()), 0, 3); break;
        case 'A': b.append(name(DAYS, tm.wday())); break;
        case 'b': case 'h': b.append(name(MONTHS, tm.mon()), 0, 3); break;
        case 'B': b.append(name(MONTHS, tm.mon())); break;
        case 'p': b.append(tm.hour() < 12 ? "AM" : "PM"); break;
        case 'P': b.append(tm.hour() < 12 ? "am" : "pm"); break;
        case 'u': b.append(tm.wday() == 0 ? 7 : tm.wday()); break;
        case 'w': b.append(tm.wday()); break;
        case 'Z': b.append(zoneName(tm, zone)); break;
        case 'z': b.append(offset(tm, zone)); break;
        case 's': b.append(toEpoch(tm, zone)); break;
        case 'T': b.append(strftime(tm, "%H:%M:%S", zone)); break;
        case 'R': b.append(strftime(tm, "%H:%M", zone)); break;
        case 'D': case 'x': b.append(strftime(tm, "%m/%d/%y", zone)); break;
        case 'F': b.append(strftime(tm, "%Y-%m-%d", zone)); break;
        case 'X': b.append(strftime(tm, "%H:%M:%S", zone)); break;
        case 'c': b.append(strftime(tm, "%a %b %e %H:%M:%S %Y", zone)); break;
        case 'r': b.append(strftime(tm, "%I:%M:%S %p", zone)); break;
        case 'U': pad(b, (tm.yday() + 7 - tm.wday()) / 7, 2); break;
        case 'W': pad(b, (tm.yday() + 7 - (tm.wday() + 6) % 7) / 7, 2); break;
        case 'G': case 'g': case 'V': {
          LocalDate date = LocalDate.of((int) tm.year(), 1, 1).plusDays(tm.yday());
          int wby = date.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR);
          if (d == 'G') {
            b.append(wby);
          } else if (d == 'g') {
            pad(b, Math.floorMod(wby, 100), 2);
          } else {
            pad(b, date.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2);
          }
          break;
        }
        case 'n': b.append('\n'); break;
        case 't': b.append('\t'); break;
        case '%': b.append('%'); break;
        default: b.append('%').append(d);
      }
    }
    return b.toString();
  }

  private static String zoneName(Tm tm, ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return "UTC";
    }
    return zone.getDisplayName(TextStyle.SHORT, Locale.ROOT);
  }

  private static String offset(Tm tm, ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return "+0000";
    }
    ZoneOffset off = zone.getRules().getOffset(Instant.ofEpochSecond(toEpoch(tm, ZoneOffset.UTC)));
    int s = off.getTotalSeconds();
    return String.format("%c%02d%02d", s < 0 ? '-' : '+', Math.abs(s) / 3600, Math.abs(s) / 60 % 60);
  }

  private static String name(String[] names, int i) {
    return i >= 0 && i < names.length ? names[i] : "?";
  }

  private static int hour12(int h) {
    int r = h % 12;
    return r == 0 ? 12 : r;
  }

  private static void pad(StringBuilder b, long v, int width) {
    String s = Long.toString(Math.abs(v));
    if (v < 0) {
      b.append('-');
    }
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    b.append(s);
  }

  private static void spacePad(StringBuilder b, int v) {
    if (v < 10) {
      b.append(' ');
    }
    b.append(v);
  }

  /**
   * glibc's strptime, then jq's completion of wday/yday from the date. Returns null when the input does not
   * match the format (trailing white space is allowed, as in jq).
   */
  static Tm strptime(String in, String fmt, ZoneId zone) {
    int[] p = {0};
    long year = 1900;
    int mon = 0;
    int mday = 0;
    int hour = 0;
    int min = 0;
    int sec = 0;
    int century = -1;
    int yy = -1;
    boolean pm = false;
    boolean hasAmPm = false;
    Long epoch = null;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (Character.isWhitespace(c)) {
        skipSpace(in, p);
        continue;
      }
      if (c != '%' || i + 1 >= fmt.length()) {
        if (p[0] >= in.length() || in.charAt(p[0]) != c) {
          return null;
        }
        p[0]++;
        continue;
      }
      char d = fmt.charAt(++i);
      while ((d == '-' || d == '_' || d == '0' || d == '^' || d == '#' || d == 'E' || d == 'O') && i + 1 < fmt.length()) {
        d = fmt.charAt(++i);
      }
      Long v;
      switch (d) {
        case 'Y':
          skipSpace(in, p);
          v = signedNumber(in, p, 4);
          if (v == null) {
            return null;
          }
          year = v;
          break;
        case 'C': v = number(in, p, 2, 0, 99); if (v == null) { return null; } century = v.intValue(); break;
        case 'y': v = number(in, p, 2, 0, 99); if (v == null) { return null; } yy = v.intValue(); break;
        case 'm': v = number(in, p, 2, 1, 12); if (v == null) { return null; } mon = v.intValue() - 1; break;
        case 'd': case 'e': v = number(in, p, 2, 1, 31); if (v == null) { return null; } mday = v.intValue(); break;
        case 'H': case 'k': v = number(in, p, 2, 0, 23); if (v == null) { return null; } hour = v.intValue(); break;
        case 'I': case 'l': v = number(in, p, 2, 1, 12); if (v == null) { return null; } hour = v.intValue() % 12; break;
        case 'M': v = number(in, p, 2, 0, 59); if (v == null) { return null; } min = v.intValue(); break;
        case 'S': v = number(in, p, 2, 0, 61); if (v == null) { return null; } sec = v.intValue(); break;
        case 'j': v = number(in, p, 3, 1, 366); if (v == null) { return null; } break;
        case 'u': case 'w': v = number(in, p, 1, 0, 7); if (v == null) { return null; } break;
        case 'U': case 'W': case 'V': v = number(in, p, 2, 0, 53); if (v == null) { return null; } break;
        case 'G': v = number(in, p, 4, 0, 9999); if (v == null) { return null; } break;
        case 'g': v = number(in, p, 2, 0, 99); if (v == null) { return null; } break;
        case 's': {
          skipSpace(in, p);
          v = signedNumber(in, p, 19);
          if (v == null) {
            return null;
          }
          epoch = v;
          break;
        }
        case 'a': case 'A': if (!name(in, p, DAYS)) { return null; } break;
        case 'b': case 'B': case 'h': {
          int m = nameIndex(in, p, MONTHS);
          if (m < 0) {
            return null;
          }
          mon = m;
          break;
        }
        case 'p': case 'P': {
          skipSpace(in, p);
          if (in.regionMatches(true, p[0], "AM", 0, 2)) {
            hasAmPm = true;
          } else if (in.regionMatches(true, p[0], "PM", 0, 2)) {
            hasAmPm = true;
            pm = true;
          } else {
            return null;
          }
          p[0] += 2;
          break;
        }
        case 'Z':
          while (p[0] < in.length() && !Character.isWhitespace(in.charAt(p[0]))) {
            p[0]++;
          }
          break;
        case 'z': {
          skipSpace(in, p);
          if (p[0] < in.length() && in.charAt(p[0]) == 'Z') {
            p[0]++;
            break;
          }
          if (p[0] >= in.length() || (in.charAt(p[0]) != '+' && in.charAt(p[0]) != '-')) {
            return null;
          }
          p[0]++;
          int digits = 0;
          while (p[0] < in.length() && digits < 4 && (Character.isDigit(in.charAt(p[0]))
              || (digits == 2 && in.charAt(p[0]) == ':'))) {
            if (in.charAt(p[0]) != ':') {
              digits++;
            }
            p[0]++;
          }
          if (digits != 2 && digits != 4) {
            return null;
          }
          break;
        }
        case 'T': {
          Tm t = strptimePart(in, p, "%H:%M:%S");
          if (t == null) {
            return null;
          }
          hour = t.hour();
          min = t.min();
          sec = (int) t.sec();
          break;
        }
        case 'R': {
          Tm t = strptimePart(in, p, "%H:%M");
          if (t == null) {
            return null;
          }
          hour = t.hour();
          min = t.min();
          break;
        }
        case 'F': case 'D': {
          Tm t = strptimePart(in, p, d == 'F' ? "%Y-%m-%d" : "%m/%d/%y");
          if (t == null) {
            return null;
          }
          year = t.year();
          mon = t.mon();
          mday = t.mday();
          break;
        }
        case 'n': case 't': skipSpace(in, p); break;
        case '%':
          if (p[0] >= in.length() || in.charAt(p[0]) != '%') {
            return null;
          }
          p[0]++;
          break;
        default:
          return null;
      }
    }
    int rest = p[0];
    while (rest < in.length()) {
      if (!Character.isWhitespace(in.charAt(rest))) {
        return null;
      }
      rest++;
    }
    if (epoch != null) {
      return fromEpoch(epoch, zone);
    }
    if (yy >= 0) {
      year = century >= 0 ? century * 100L + yy : (yy < 69 ? 2000 + yy : 1900 + yy);
    } else if (century >= 0) {
      year = century * 100L;
    }
    if (hasAmPm && pm) {
      hour += 12;
    }
    LocalDate date;
    try {
      date = LocalDate.of((int) year, mon + 1, Math.max(mday, 1));
    } catch (java.time.DateTimeException e) {
      date = LocalDate.of((int) year, 1, 1).plusMonths(mon).plusDays(Math.max(mday, 1) - 1L);
    }
    return new Tm(year, mon, mday, hour, min, sec, date.getDayOfWeek().getValue() % 7, date.getDayOfYear() - 1);
  }

  private static Tm strptimePart(String in, int[] p, String fmt) {
    int start = p[0];
    for (int end = in.length(); end > start; end--) {
      Tm t = strptime(in.substring(start, end), fmt, ZoneOffset.UTC);
      if (t != null) {
        p[0] = end;
        return t;
      }
    }
    return null;
  }

  private static void skipSpace(String in, int[] p) {
    while (p[0] < in.length() && Character.isWhitespace(in.charAt(p[0]))) {
      p[0]++;
    }
  }

  private static Long number(String in, int[] p, int maxDigits, int lo, int hi) {
    skipSpace(in, p);
    int start = p[0];
    long v = 0;
    while (p[0] < in.length() && p[0] - start < maxDigits && Character.isDigit(in.charAt(p[0]))) {
      v = v * 10 + (in.charAt(p[0]) - '0');
      p[0]++;
    }
    if (p[0] == start || v < lo || v > hi) {
      return null;
    }
    return v;
  }

  private static Long signedNumber(String in, int[] p, int maxDigits) {
    boolean neg = false;
    if (p[0] < in.length() && (in.charAt(p[0]) == '-' || in.charAt(p[0]) == '+')) {
      neg = in.charAt(p[0]) == '-';
      p[0]++;
    }
    Long v = number(in, p, maxDigits, 0, Integer.MAX_VALUE);
    return v == null ? null : (neg ? -v : v);
  }

  private static boolean name(String in, int[] p, String[] names) {
    return nameIndex(in, p, names) >= 0;
  }

  private static int nameIndex(String in, int[] p, String[] names) {
    skipSpace(in, p);
    for (int i = 0; i < names.length; i++) {
      if (in.regionMatches(true, p[0], names[i], 0, names[i].length())) {
        p[0] += names[i].length();
        return i;
      }
    }
    for (int i = 0; i < names.length; i++) {
      if (in.regionMatches(true, p[0], names[i], 0, 3)) {
        p[0] += 3;
        return i;
      }
    }
    return -1;
  }
}
