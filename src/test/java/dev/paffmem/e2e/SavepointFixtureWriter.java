package dev.paffmem.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: writes the savepoint fixture ({@link SavepointFixture}) when asked to, on the end-to-end
 * module's class path. Run by {@code ./paffmem savepoint-fixture [name]}, which is
 * {@code mvn -pl end-to-end surefire:test -Dtest=SavepointFixtureWriter -Dpaffmem.savepointFixture=<name>}.
 */
@EnabledIfSystemProperty(named = "paffmem.savepointFixture", matches = ".+")
class SavepointFixtureWriter {

  @Test
  void write() throws Exception {
    SavepointFixture.main(new String[] {System.getProperty("paffmem.savepointFixture")});
  }
}
