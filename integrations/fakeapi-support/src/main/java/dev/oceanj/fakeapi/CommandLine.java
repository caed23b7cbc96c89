package dev.oceanj.fakeapi;

import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/**
 * A fake API's command line: {@code --name value} or {@code --name=value} options that set a settings builder,
 * {@code --help}, and the run until SIGINT/SIGTERM.
 *
 * @param <B> the settings builder the options set
 */
public final class CommandLine<B> {

  /**
   * One option.
   *
   * @param name {@code --name}
   * @param value its default, for the help (null: none shown)
   * @param help what it sets
   * @param set applies a value to the builder
   */
  public record Option<B>(String name, String value, String help, BiConsumer<B, String> set) {}

  private final String program;
  private final List<String> about;
  private final List<Option<B>> options;

  /**
   * @param program the JAR's name, e.g. {@code oceanj-custom-fakeapi}
   * @param about lines under the usage line of the help
   * @param options every option, in the help's order
   */
  public CommandLine(String program, List<String> about, List<Option<B>> options) {
    this.program = program;
    this.about = about;
    this.options = options;
  }

  /** Applies {@code args} to {@code builder}; a bad option or value is named in the exception. */
  public B parse(String[] args, B builder) {
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      String key = name;
      Option<B> option = options.stream().filter(o -> o.name().equals(key)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown option '" + key + "' (--help lists them)"));
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + key + " needs a value");
        }
        value = args[++i];
      }
      try {
        option.set().accept(builder, value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("option " + key + " needs a number, was '" + value + "'");
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("option " + key + " needs an ISO-8601 instant, was '" + value + "'");
      }
    }
    return builder;
  }

  /** The usage line, the about lines and one line per option with its default. */
  public String help() {
    int width = options.stream().mapToInt(o -> o.name().length()).max().orElse(0) + 2;
    List<String> lines = new ArrayList<>();
    lines.add("Usage: java -jar " + program + ".jar [--option value]...");
    lines.addAll(about);
    for (Option<B> o : options) {
      lines.add(String.format("  %-" + width + "s %s%s", o.name(), o.help(),
          o.value() == null ? "" : " (default: " + o.value() + ")"));
    }
    return String.join(System.lineSeparator(), lines);
  }

  /**
   * The whole {@code main}: prints the help for {@code --help}/{@code -h}; else parses (exit 2 naming the problem),
   * starts, tells {@code banner} and runs until the JVM is stopped, closing the fake on the way out.
   *
   * @param parse the arguments to settings (may call {@link #parse})
   * @param start starts the fake from the settings
   * @param banner prints what a user needs to call the fake
   */
  public <S, F extends AutoCloseable> void run(String[] args, java.util.function.Function<String[], S> parse,
      Starter<S, F> start, BiConsumer<S, F> banner) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(help());
      return;
    }
    S settings;
    try {
      settings = parse.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println(program + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    F fake = start.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        fake.close();
      } catch (Exception e) {
        System.err.println(program + ": " + e);
      }
      stopped.countDown();
    }, program + "-shutdown"));
    banner.accept(settings, fake);
    System.out.flush();
    stopped.await();
  }

  /** Starts a fake from its settings. */
  @FunctionalInterface
  public interface Starter<S, F> {
    F start(S settings) throws Exception;
  }
}
