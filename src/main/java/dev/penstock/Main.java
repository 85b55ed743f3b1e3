package dev.penstock;

import dev.penstock.cli.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code penstock server}: the command line. */
@Command(
    name = "penstock",
    mixinStandardHelpOptions = true,
    version = "penstock 0.1.0",
    description = "Self-hosted pipeline server, wire-compatible with the Abacus.AI pipelines API.")
public final class Main implements Runnable {

  public static void main(String[] args) {
    int exit =
        new CommandLine(new Main())
            .addSubcommand("server", ServerCommand.commandLine())
            .execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
