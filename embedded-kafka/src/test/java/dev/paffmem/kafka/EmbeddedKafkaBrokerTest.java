package dev.paffmem.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void avroFaceFramesRoundTripThroughARealBroker() throws IOException {
    String topic = "faces-roundtrip";
    broker.createTopic(topic, 3);
    List<FaceFrame> sent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      byte[] pixels = new byte[96 * 96 * 3];
      pixels[i] = (byte) i;
      sent.add(FaceFrame.newBuilder()
          .setPersonId("person-" + (i % 3)).setSourceId("cam-1").setFrameIndex(i / 3)
          .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + 40L * i))
          .setEncoding(ImageEncoding.RAW_RGB8).setImage(ByteBuffer.wrap(pixels))
          .setWidth(96).setHeight(96).setArousal(i / 30f).setValence(-i / 30f)
          .build());
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      for (FaceFrame frame : sent) {
        ByteBuffer value = frame.toByteBuffer();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        producer.send(new ProducerRecord<>(topic, frame.getPersonId().getBytes(StandardCharsets.UTF_8), bytes));
      }
      producer.flush();
    }

    List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-test",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }

    assertEquals(sent.size(), received.size());
    List<FaceFrame> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : received) {
      FaceFrame frame = FaceFrame.fromByteBuffer(ByteBuffer.wrap(record.value()));
      assertEquals(frame.getPersonId(), new String(record.key(), StandardCharsets.UTF_8), "key is the person id");
      decoded.add(frame);
    }
    assertEquals(Set.copyOf(sent), Set.copyOf(decoded));
    // Keyed by person: all of a person's frames share one partition, in frame order.
    Map<String, Set<Integer>> partitionsPerPerson = received.stream().collect(Collectors.groupingBy(
        r -> new String(r.key(), StandardCharsets.UTF_8), Collectors.mapping(ConsumerRecord::partition, Collectors.toSet())));
    partitionsPerPerson.values().forEach(p -> assertEquals(1, p.size()));
    for (String person : partitionsPerPerson.keySet()) {
      List<Long> order = decoded.stream().filter(f -> f.getPersonId().equals(person)).map(FaceFrame::getFrameIndex).toList();
      List<Long> sorted = new ArrayList<>(order);
      Collections.sort(sorted);
      assertEquals(sorted, order, "frames of " + person + " out of order");
    }
  }

  @Test
  void listensOnLoopbackOnly() throws IOException {
    Set<String> listening = listeningAddresses(Set.of(broker.port(), broker.controllerPort()));
    assertFalse(listening.isEmpty(), "the broker's ports should be in /proc/net/tcp");
    assertEquals(Set.of("127.0.0.1"), listening, "listeners on other interfaces: " + listening);

    // And it really refuses connections on any non-loopback address of this machine.
    for (InetAddress address : nonLoopbackAddresses()) {
      try (Socket socket = new Socket()) {
        assertThrows(IOException.class,
            () -> socket.connect(new InetSocketAddress(address, broker.port()), 1000),
            "broker reachable on " + address);
      }
    }
  }

  @Test
  void closeStopsTheBrokerAndDeletesItsData() throws IOException {
    EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start();
    Path data = second.dataDir();
    int port = second.port();
    second.createTopic("short-lived", 1);
    assertTrue(Files.exists(data));
    second.close();
    assertFalse(Files.exists(data), "data directory left behind");
    try (Socket socket = new Socket()) {
      assertThrows(IOException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", port), 1000));
    }
    second.close(); // idempotent
  }

  @Test
  void startsAgainOnItsOwnDataDirectoryWithItsTopics() throws IOException {
    Path data = Files.createTempDirectory("paffmem-kafka-keep-");
    try {
      int port;
      try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(data).start()) {
        first.createTopic("kept", 2);
        port = first.port();
      }
      try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().dataDir(data).port(port).start()) {
        assertTrue(again.admin().listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS).contains("kept"),
            "the topic survived the restart");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    } finally {
      try (var paths = Files.walk(data)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void refusesToMoveListenersOffLoopback() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EmbeddedKafkaBroker.builder().property("listeners", "PLAINTEXT://0.0.0.0:9092"));
    assertTrue(e.getMessage().contains("listeners"));
  }

  /** Local addresses of LISTEN sockets on the given ports, read from /proc/net/tcp and tcp6. */
  private static Set<String> listeningAddresses(Set<Integer> ports) throws IOException {
    Set<String> result = new java.util.TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path).subList(1, Files.readAllLines(path).size())) {
        String[] cols = line.trim().split("\\s+");
        String[] local = cols[1].split(":");
        int port = Integer.parseInt(local[1], 16);
        boolean listen = cols[3].equals("0A");
        if (listen && ports.contains(port)) {
          result.add(decodeAddress(local[0]));
        }
      }
    }
    return result;
  }

  private static String decodeAddress(String hex) {
    if (hex.length() == 8) {
      long v = Long.parseLong(hex, 16);
      return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }
    if (hex.startsWith("0000000000000000FFFF0000")) { // IPv4-mapped IPv6 (::ffff:a.b.c.d)
      return decodeAddress(hex.substring(24));
    }
    return hex.equals("00000000000000000000000000000000") ? "::" : "ipv6:" + hex;
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> result = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        Collections.list(nic.getInetAddresses()).stream()
            .filter(a -> a instanceof java.net.Inet4Address)
            .forEach(result::add);
      }
    }
    return result;
  }
}
