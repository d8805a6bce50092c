package dev.paffmem.faces.persons;

import dev.paffmem.faces.render.Anatomy;
import dev.paffmem.faces.render.ExpresserKind;
import dev.paffmem.faces.render.ExpressionStyle;
import dev.paffmem.faces.render.FaceRenderer;
import dev.paffmem.faces.render.Identity;
import dev.paffmem.faces.render.Nuisance;

/**
 * One synthetic person: a stable id, a look ({@link Identity} and identity-level {@link Anatomy}) and a way of
 * expressing emotion.
 */
public record Person(String id, Split split, int index, long seed, Identity identity, Anatomy anatomy,
        ExpressionStyle style) {

    public ExpresserKind kind() {
        return style.kind();
    }

    /** This person's face at (arousal, valence) under the given capture conditions, anatomy included. */
    public FaceRenderer.Rendered render(FaceRenderer renderer, double arousal, double valence, Nuisance nuisance) {
        return renderer.render(identity, anatomy, style, arousal, valence, nuisance);
    }

    /** The label of the person's kind in CSV files: "typical", "identity_confound" or an atypical style. */
    public String typeLabel() {
        return style.kind().label();
    }
}
