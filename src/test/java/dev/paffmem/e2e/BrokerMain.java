package dev.paffmem.e2e;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;

/**
 * A Kafka broker (real KRaft, {@link EmbeddedKafkaBroker}) as the only thing in its JVM, on given ports and
 * a data directory that survives it, so a test can stop it and start it again on the same ports and data:
 * {@code BrokerMain <port> <controller port> <data dir>}.
 */
public final class BrokerMain {

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(Integer.parseInt(args[0]))
        .controllerPort(Integer.parseInt(args[1])).dataDir(Path.of(args[2])).start();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
    System.out.println("BROKER READY " + broker.bootstrapServers());
    Thread.currentThread().join();
  }
}
