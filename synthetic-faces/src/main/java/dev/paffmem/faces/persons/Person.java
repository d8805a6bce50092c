package dev.paffmem.faces.persons;

import dev.paffmem.faces.render.ExpresserKind;
import dev.paffmem.faces.render.ExpressionStyle;
import dev.paffmem.faces.render.Identity;

/** One synthetic person: a stable id, a look and a way of expressing emotion. */
public record Person(String id, Split split, int index, long seed, Identity identity, ExpressionStyle style) {

    public ExpresserKind kind() {
        return style.kind();
    }
}
