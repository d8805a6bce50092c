package dev.paffmem.faces.datasets;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.render.ExpressionStyle;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** persons.csv: who is in a dataset and how each person expresses emotion. */
final class PersonsCsv {
    static final String HEADER = "person_id,split,person_type,gain_valence_mouth,gain_valence_brow,gain_arousal_eye,"
            + "gain_arousal_brow,gain_arousal_mouth,rest_arousal,rest_valence,swap_axes,valence_sign,asymmetry,"
            + "hair_style,glasses,beard,anatomy";

    private PersonsCsv() {
    }

    static void write(Path file, List<Person> persons) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (Person p : persons) {
                ExpressionStyle s = p.style();
                w.write(Csv.row(p.id(), p.split().prefix, p.kind().label(),
                        Csv.f(s.gainValenceMouth(), 3), Csv.f(s.gainValenceBrow(), 3), Csv.f(s.gainArousalEye(), 3),
                        Csv.f(s.gainArousalBrow(), 3), Csv.f(s.gainArousalMouth(), 3), Csv.f(s.restArousal(), 3),
                        Csv.f(s.restValence(), 3), Boolean.toString(s.swapAxes()), Csv.f(s.valenceSign(), 0),
                        Csv.f(s.asymmetry(), 3), p.identity().hairStyle().name().toLowerCase(java.util.Locale.ROOT),
                        p.identity().glasses().name().toLowerCase(java.util.Locale.ROOT),
                        p.identity().beard().name().toLowerCase(java.util.Locale.ROOT), p.anatomy().describe()));
                w.write('\n');
            }
        }
    }
}
