package dev.paffmem.job.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PixelArraysTest {

  @BeforeEach
  void emptyThisThreadsPool() {
    while (PixelArrays.pooled() > 0) {
      PixelArrays.take(7); // takes one and drops it (no pooled array has 7 bytes)
    }
  }

  @Test
  void anArrayGivenBackIsTakenAgainOnlyForItsLength() {
    byte[] a = new byte[12];
    PixelArrays.giveBack(a);
    assertNotSame(a, PixelArrays.take(13), "another length gets a new array");
    assertEquals(0, PixelArrays.pooled(), "and the mismatched one is dropped");
    PixelArrays.giveBack(a);
    assertSame(a, PixelArrays.take(12));
    assertNotSame(a, PixelArrays.take(12), "taken once: the pool is empty again");
  }

  @Test
  void anArrayGivenBackTwiceIsHandedOutOnce() {
    byte[] a = new byte[12];
    PixelArrays.giveBack(a);
    PixelArrays.giveBack(a);
    PixelArrays.giveBack(null);
    assertEquals(1, PixelArrays.pooled());
    assertSame(a, PixelArrays.take(12));
    assertNotSame(a, PixelArrays.take(12), "two frames never share an array");
  }

  @Test
  void thePoolIsBoundedAndEachThreadHasItsOwn() throws Exception {
    List<byte[]> given = new ArrayList<>();
    for (int i = 0; i < PixelArrays.CAPACITY + 10; i++) {
      byte[] a = new byte[12];
      given.add(a);
      PixelArrays.giveBack(a);
    }
    assertEquals(PixelArrays.CAPACITY, PixelArrays.pooled());
    assertEquals(0, CompletableFuture.supplyAsync(PixelArrays::pooled).get(), "another thread's pool is empty");
    Map<byte[], Boolean> taken = new IdentityHashMap<>();
    for (int i = 0; i < PixelArrays.CAPACITY; i++) {
      taken.put(PixelArrays.take(12), true);
    }
    assertEquals(PixelArrays.CAPACITY, taken.size(), "each pooled array once");
    for (int i = 0; i < PixelArrays.CAPACITY; i++) {
      assertEquals(true, taken.get(given.get(i)), "the first CAPACITY given back were kept");
    }
  }
}
