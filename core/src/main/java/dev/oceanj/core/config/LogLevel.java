package dev.oceanj.core.config;

/** Root log level; Ocean's spellings WARNING and CRITICAL are read as WARN and ERROR. */
public enum LogLevel {
  TRACE, DEBUG, INFO, WARN, ERROR;

  static LogLevel parse(String upper) {
    switch (upper) {
      case "WARNING":
        return WARN;
      case "CRITICAL":
      case "FATAL":
        return ERROR;
      default:
        for (LogLevel l : values()) {
          if (l.name().equals(upper)) {
            return l;
          }
        }
        return null;
    }
  }
}
