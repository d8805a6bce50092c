package dev.paffmem.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TLS key pair and certificate for a broker on 127.0.0.1, made when asked with the JDK's {@code keytool}
 * (nothing is committed, nothing outlives its run): {@code broker.p12} (the broker's key and self-signed
 * certificate, SAN {@code IP:127.0.0.1} and {@code DNS:localhost}, valid {@link #VALIDITY_DAYS} days) and
 * {@code truststore.p12} (that certificate, for clients), both PKCS12 with one random password.
 */
public record SelfSignedTls(Path keystore, Path truststore, String password) {

  public static final int VALIDITY_DAYS = 2;

  /** Generates the key pair, the certificate and both stores in {@code dir} (about a second). */
  public static SelfSignedTls generate(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path keystore = dir.resolve("broker.p12");
    Path cert = dir.resolve("broker.pem");
    Path truststore = dir.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=127.0.0.1, OU=paffmem embedded Kafka", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
        "-validity", String.valueOf(VALIDITY_DAYS), "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", password,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "broker-ca", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", truststore.toString(), "-storepass", password);
    return new SelfSignedTls(keystore, truststore, password);
  }

  private static void keytool(String... args) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>();
    command.add(keytool.toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out;
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("keytool did not finish within 60 s: " + args[0]);
        }
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        p.destroyForcibly();
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + keytool + " (the JDK's keytool makes the broker's certificate)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
