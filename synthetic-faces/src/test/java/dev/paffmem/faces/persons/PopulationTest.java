package dev.paffmem.faces.persons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.render.ExpresserKind;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PopulationTest {

    @Test
    void splitsAreDisjointInIdsSeedsAndLooks() {
        Set<String> ids = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        Set<Object> looks = new HashSet<>();
        int n = 0;
        for (Split split : Split.values()) {
            Population pop = new Population(Population.DEFAULT_SEED, split, 0.3);
            for (int i = 0; i < 500; i++) {
                Person p = pop.person(i);
                assertTrue(p.id().startsWith(split.prefix + "-"));
                ids.add(p.id());
                seeds.add(p.seed());
                looks.add(p.identity());
                n++;
            }
        }
        assertEquals(n, ids.size(), "person ids collide across splits");
        assertEquals(n, seeds.size(), "person seeds collide across splits");
        assertEquals(n, looks.size(), "two persons look the same");
    }

    @Test
    void samePersonEveryTime() {
        Population a = new Population(7, Split.EVAL, 0.5);
        Population b = new Population(7, Split.EVAL, 0.5);
        assertEquals(a.person(12), b.person(12));
        assertNotEquals(a.person(12).identity(), new Population(8, Split.EVAL, 0.5).person(12).identity());
    }

    @Test
    void atypicalShareIsExactAndKindsAreBalanced() {
        Population pop = new Population(Population.DEFAULT_SEED, Split.EVAL, 0.5);
        Map<ExpresserKind, Integer> counts = new EnumMap<>(ExpresserKind.class);
        for (int i = 0; i < 100; i++) {
            counts.merge(pop.person(i).kind(), 1, Integer::sum);
        }
        assertEquals(50, counts.get(ExpresserKind.TYPICAL));
        for (ExpresserKind k : ExpresserKind.atypicalKinds()) {
            assertEquals(10, counts.get(k), k.toString());
        }
        Population none = new Population(Population.DEFAULT_SEED, Split.TRAIN, 0.0);
        for (int i = 0; i < 200; i++) {
            assertEquals(ExpresserKind.TYPICAL, none.person(i).kind());
        }
        Population share = new Population(Population.DEFAULT_SEED, Split.EVAL, 0.2);
        long atypical = java.util.stream.IntStream.range(0, 40).filter(i -> share.kindOf(i).atypical()).count();
        assertEquals(8, atypical);
    }

    @Test
    void rejectsBadShares() {
        assertThrows(IllegalArgumentException.class, () -> new Population(1, Split.EVAL, 1.5));
        assertThrows(IllegalArgumentException.class,
                () -> new Population(1, Split.EVAL, 0.5, new ExpresserKind[] {ExpresserKind.TYPICAL}));
    }
}
