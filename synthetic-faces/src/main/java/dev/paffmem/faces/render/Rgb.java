package dev.paffmem.faces.render;

/** A colour with channels in 0..255 (doubles, so shading and blending stay exact until the final rounding). */
public record Rgb(double r, double g, double b) {

    public static Rgb of(double r, double g, double b) {
        return new Rgb(r, g, b);
    }

    public Rgb scale(double k) {
        return new Rgb(r * k, g * k, b * k);
    }

    public Rgb mix(Rgb o, double t) {
        return new Rgb(r + (o.r - r) * t, g + (o.g - g) * t, b + (o.b - b) * t);
    }

    /** Linear interpolation along a palette, t in [0, palette.length - 1]. */
    public static Rgb along(Rgb[] palette, double t) {
        int i = (int) StrictMath.floor(t);
        if (i < 0) {
            return palette[0];
        }
        if (i >= palette.length - 1) {
            return palette[palette.length - 1];
        }
        return palette[i].mix(palette[i + 1], t - i);
    }

    public Rgb jitter(Rng rng, double amount) {
        return new Rgb(r + rng.uniform(-amount, amount), g + rng.uniform(-amount, amount), b + rng.uniform(-amount, amount));
    }
}
