package dev.paffmem.faces.datasets;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.render.ExpresserKind;
import dev.paffmem.faces.render.FaceRenderer;
import dev.paffmem.faces.render.Images;
import dev.paffmem.faces.render.Nuisance;
import dev.paffmem.faces.render.Rgb;
import dev.paffmem.faces.render.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A PNG to look at: one block per person, each block a grid x grid array of faces with valence
 * from -1 (left) to +1 (right) and arousal from +1 (top) to -1 (bottom). The block frame colour
 * says the person's kind ({@link #frameColour}); no text, so the sheet needs no fonts.
 */
public final class ContactSheet {
    private static final int GAP = 2;
    private static final int FRAME = 4;

    private ContactSheet() {
    }

    public static Rgb frameColour(ExpresserKind kind) {
        return switch (kind) {
            case TYPICAL -> Rgb.of(40, 170, 60);        // green
            case RESTING_OFFSET -> Rgb.of(230, 140, 20); // orange
            case INVERTED_VALENCE -> Rgb.of(210, 30, 30); // red
            case SWAPPED_AXES -> Rgb.of(150, 40, 200);   // purple
            case ODD_AROUSAL_CARRIER -> Rgb.of(30, 90, 220); // blue
            case MUTED -> Rgb.of(128, 128, 128);          // grey
            case IDENTITY_CONFOUND -> Rgb.of(20, 190, 200); // teal
        };
    }

    public static void write(Path file, List<Person> persons, int grid, int blocksPerRow, boolean nuisance, long seed)
            throws IOException {
        int cell = FaceRenderer.SIZE;
        int block = 2 * FRAME + grid * cell + (grid - 1) * GAP;
        int cols = Math.min(blocksPerRow, persons.size());
        int rows = (persons.size() + cols - 1) / cols;
        int w = cols * block + (cols + 1) * GAP * 3;
        int h = rows * block + (rows + 1) * GAP * 3;
        byte[] sheet = new byte[w * h * 3];
        java.util.Arrays.fill(sheet, (byte) 255);
        FaceRenderer renderer = new FaceRenderer();
        for (int p = 0; p < persons.size(); p++) {
            Person person = persons.get(p);
            int bx = GAP * 3 + (p % cols) * (block + GAP * 3);
            int by = GAP * 3 + (p / cols) * (block + GAP * 3);
            fill(sheet, w, bx, by, block, block, frameColour(person.kind()));
            Rng rng = Rng.of(seed, person.seed());
            for (int row = 0; row < grid; row++) {
                double arousal = grid == 1 ? 0 : 1 - 2.0 * row / (grid - 1);
                for (int col = 0; col < grid; col++) {
                    double valence = grid == 1 ? 0 : -1 + 2.0 * col / (grid - 1);
                    Nuisance n = nuisance ? Nuisance.random(rng) : Nuisance.NONE;
                    byte[] face = person.render(renderer, arousal, valence, n).rgb();
                    blit(sheet, w, bx + FRAME + col * (cell + GAP), by + FRAME + row * (cell + GAP), face, cell);
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Images.encode(sheet, w, h, Images.Format.PNG));
    }

    private static void fill(byte[] img, int w, int x0, int y0, int bw, int bh, Rgb c) {
        for (int y = y0; y < y0 + bh; y++) {
            for (int x = x0; x < x0 + bw; x++) {
                int i = (y * w + x) * 3;
                img[i] = (byte) (int) c.r();
                img[i + 1] = (byte) (int) c.g();
                img[i + 2] = (byte) (int) c.b();
            }
        }
    }

    private static void blit(byte[] img, int w, int x0, int y0, byte[] face, int size) {
        for (int y = 0; y < size; y++) {
            System.arraycopy(face, y * size * 3, img, ((y0 + y) * w + x0) * 3, size * 3);
        }
    }
}
