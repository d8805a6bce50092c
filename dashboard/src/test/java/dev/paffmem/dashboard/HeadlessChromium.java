package dev.paffmem.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver through Selenium; a fresh profile each time.
 * {@link #close()} quits the browser, stops chromedriver and, should either survive, ends the processes that
 * run on this instance's profile directory, by process id.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;

  HeadlessChromium(int width, int height) throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException("the browser test needs Debian's chromium and chromium-driver: "
          + "apt-get install -y --no-install-recommends chromium chromium-driver");
    }
    profile = Files.createTempDirectory("paffmem-dashboard-chromium-");
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    ChromeDriver started = null;
    try {
      service.start();
      started = new ChromeDriver(service, options);
    } catch (RuntimeException | IOException e) {
      close(null);
      throw e;
    }
    driver = started;
  }

  ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    close(driver);
  }

  private void close(ChromeDriver d) {
    try {
      if (d != null) {
        d.quit();
      }
    } catch (RuntimeException ignored) {
      // ended below
    } finally {
      service.stop();
      // anything left of this browser (its processes name our fresh profile directory)
      ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().map(c -> c.contains(profile.toString())).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory
      }
    }
  }
}
