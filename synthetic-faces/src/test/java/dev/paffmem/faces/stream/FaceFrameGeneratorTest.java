package dev.paffmem.faces.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaceFrameGeneratorTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anEnrolmentPutsEachPersonsFacesAtKnownEmotionsFirstAndShiftsTheVideo() {
        StreamOptions o = StreamOptions.defaults().withPersons(2).withFramesPerPerson(3).withEncoding(ImageEncoding.PNG)
                .withStartTime(T0);
        List<double[]> points = List.of(new double[] {0.75, -0.75}, new double[] {-0.5, 0.25});
        FaceFrameGenerator plain = new FaceFrameGenerator(o);
        FaceFrameGenerator enrolled = new FaceFrameGenerator(o, points);
        assertEquals(6, plain.totalRecords());
        assertEquals(10, enrolled.totalRecords());
        List<FaceFrame> all = new ArrayList<>();
        enrolled.forEachRemaining(all::add);
        assertEquals(10, all.size());
        for (int i = 0; i < 4; i++) { // enrolment faces first, round-robin: frame indices 0, 1 of each person
            FaceFrame f = all.get(i);
            double[] p = points.get(i / 2);
            assertEquals(plain.persons().get(i % 2).id(), f.getPersonId());
            assertEquals(i / 2, f.getFrameIndex());
            assertEquals((float) p[0], f.getEnrolment().getArousal());
            assertEquals((float) p[1], f.getEnrolment().getValence());
            assertNull(f.getArousal(), "an enrolled face is no frame of the video: no truth");
            assertFalse(f.getEventTime().isAfter(T0.minusMillis(1)), "captured before the video");
        }
        for (int i = 4; i < 10; i++) { // then the video, frame f as index f + 2, pixels and truth unchanged
            FaceFrame f = all.get(i);
            FaceFrame same = plain.frame(i - 4);
            assertEquals(same.getPersonId(), f.getPersonId());
            assertEquals(same.getFrameIndex() + 2, f.getFrameIndex());
            assertEquals(same.getEventTime(), f.getEventTime());
            assertEquals(same.getArousal(), f.getArousal());
            assertArrayEquals(same.getImage().array(), f.getImage().array());
            assertNull(f.getEnrolment());
        }
        // a face at (a, v) is the person rendered at (a, v): the same person's enrolment at another point differs
        assertFalse(java.util.Arrays.equals(all.get(0).getImage().array(), all.get(2).getImage().array()));
        assertThrows(IllegalArgumentException.class, () -> new FaceFrameGenerator(o, List.of(new double[] {1.5, 0})));
    }
}
