package dev.penstock.cli;

import dev.penstock.app.ConfigException;
import dev.penstock.app.ConfigKey;
import dev.penstock.app.ConfigLoader;
import dev.penstock.app.PenstockServer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * {@code penstock server}: starts the server and runs until SIGTERM or Ctrl-C. Every {@link
 * ConfigKey} is a flag of the same name, added from the enum so the list is never written twice.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Start the Penstock server.")
public final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @CommandLine.Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Java properties file with settings")
  Path configFile;

  @Override
  public Integer call() {
    var flags = new EnumMap<ConfigKey, String>(ConfigKey.class);
    for (ConfigKey key : ConfigKey.values()) {
      OptionSpec option = spec.findOption(key.flag());
      if (option != null && option.getValue() != null) {
        flags.put(key, option.getValue().toString());
      }
    }
    PenstockServer server;
    try {
      server = PenstockServer.start(ConfigLoader.fromEnvironment(flags, configFile));
    } catch (ConfigException e) {
      System.err.println("penstock: " + e.getMessage());
      return 2;
    }
    if (server.adminKeyNotice() != null) {
      System.out.println(server.adminKeyNotice());
    }
    System.out.println("Penstock is serving at " + server.url());
    System.out.println("Open the web UI at " + server.url() + "/ and sign in with an API key");
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop();
                  stopped.countDown();
                },
                "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The command with one {@code --key VALUE} option per configuration key. */
  public static CommandLine commandLine() {
    var command = new CommandLine(new ServerCommand());
    for (ConfigKey key : ConfigKey.values()) {
      command
          .getCommandSpec()
          .addOption(
              OptionSpec.builder(key.flag())
                  .paramLabel("VALUE")
                  .type(String.class)
                  .description(
                      key.meaning()
                          + " (env "
                          + key.envVar()
                          + ", default: "
                          + (key.defaultValue().isEmpty() ? "none" : key.defaultValue())
                          + ")")
                  .build());
    }
    return command;
  }
}
