package dev.paffmem.faces.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The same seed gives byte-identical images, on any thread and (golden hashes) on any machine. */
class RendererDeterminismTest {
    private final FaceRenderer renderer = new FaceRenderer();
    private final Population population = new Population(Population.DEFAULT_SEED, Split.EVAL, 0.5);

    private byte[] render(int person, double a, double v, long nuisanceSalt) {
        Person p = population.person(person);
        Nuisance n = nuisanceSalt < 0 ? Nuisance.NONE : Nuisance.random(Rng.of(p.seed(), nuisanceSalt));
        return renderer.render(p.identity(), p.style(), a, v, n).rgb();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * Golden hashes of raw RGB bytes. They change only when the renderer changes on purpose; then
     * regenerate them and write the dataset into a new folder (the old one no longer matches the code).
     */
    @Test
    void goldenHashes() throws Exception {
        assertEquals(GOLDEN[0], sha256(render(0, 0, 0, -1)), "person 0, neutral, clean");
        assertEquals(GOLDEN[1], sha256(render(1, 0.8, -0.6, 7)), "person 1 with nuisance");
        assertEquals(GOLDEN[2], sha256(render(5, -0.9, 0.9, 11)), "person 5 with nuisance");
    }

    static final String[] GOLDEN = {
        "133aef855399a29a80270d6f1236b4f7b27ed70dc0fa464fc031056c80cfc958",
        "90d2160494da0c9cb9ab86f9773062826b6a97329f324b162d8b079824caae58",
        "decfe9a81284c401c571fbe2917fdcb942c23125879e60c8bbd3bb99e38fd7e1"};

    @Test
    void sameInputsSameBytesAcrossThreads() throws Exception {
        List<byte[]> sequential = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sequential.add(render(i % 6, -1 + i / 8.0, 1 - i / 8.0, i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> parallel = new ArrayList<>();
            for (int i = 15; i >= 0; i--) {
                final int k = i;
                parallel.add(pool.submit(() -> render(k % 6, -1 + k / 8.0, 1 - k / 8.0, k)));
            }
            for (int i = 0; i < 16; i++) {
                assertArrayEquals(sequential.get(i), parallel.get(15 - i).get(), "image " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentInputsDifferentImages() {
        assertNotEquals(sha(render(0, 0, 0, -1)), sha(render(0, 0, 0.5, -1)));
        assertNotEquals(sha(render(0, 0, 0, -1)), sha(render(1, 0, 0, -1)));
        assertNotEquals(sha(render(0, 0, 0, 1)), sha(render(0, 0, 0, 2)));
    }

    private static String sha(byte[] b) {
        try {
            return sha256(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void imageIs96x96Rgb() {
        FaceRenderer.Rendered r = renderer.render(population.person(2).identity(), population.person(2).style(), 0, 0,
                Nuisance.NONE);
        assertEquals(96 * 96 * 3, r.rgb().length);
        assertEquals(68, r.landmarks().length);
    }
}
