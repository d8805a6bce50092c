package dev.paffmem.faces.persons;

import dev.paffmem.faces.render.ExpresserKind;
import dev.paffmem.faces.render.ExpressionStyle;
import dev.paffmem.faces.render.Identity;
import dev.paffmem.faces.render.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * The persons of one split, derived from a master seed. Person i is atypical when the running count
 * floor((i + 1) * share) steps up at i, so any prefix of n persons holds round(n * share) atypical
 * ones, spread evenly; the k-th atypical person gets the k-th kind of {@link #atypicalKinds}, cycling.
 */
public final class Population {
    public static final long DEFAULT_SEED = 20190609L;

    private final long seed;
    private final Split split;
    private final double atypicalShare;
    private final ExpresserKind[] kinds;

    public Population(long seed, Split split, double atypicalShare) {
        this(seed, split, atypicalShare, ExpresserKind.atypicalKinds());
    }

    public Population(long seed, Split split, double atypicalShare, ExpresserKind[] atypicalKinds) {
        if (atypicalShare < 0 || atypicalShare > 1) {
            throw new IllegalArgumentException("atypical share must be in [0, 1]: " + atypicalShare);
        }
        if (atypicalKinds.length == 0 && atypicalShare > 0) {
            throw new IllegalArgumentException("no atypical kinds given");
        }
        for (ExpresserKind k : atypicalKinds) {
            if (!k.atypical()) {
                throw new IllegalArgumentException(k + " is not an atypical kind");
            }
        }
        this.seed = seed;
        this.split = split;
        this.atypicalShare = atypicalShare;
        this.kinds = atypicalKinds.clone();
    }

    public Split split() {
        return split;
    }

    public ExpresserKind[] atypicalKinds() {
        return kinds.clone();
    }

    public ExpresserKind kindOf(int index) {
        long before = (long) StrictMath.floor(index * atypicalShare + 1e-9);
        long after = (long) StrictMath.floor((index + 1) * atypicalShare + 1e-9);
        return after > before ? kinds[(int) (before % kinds.length)] : ExpresserKind.TYPICAL;
    }

    public static String idOf(Split split, int index) {
        return String.format("%s-%05d", split.prefix, index);
    }

    public Person person(int index) {
        long personSeed = Rng.derive(Rng.derive(seed, split.salt), index);
        Identity identity = Identity.random(new Rng(Rng.derive(personSeed, 1)));
        ExpressionStyle style = ExpressionStyle.random(kindOf(index), new Rng(Rng.derive(personSeed, 2)));
        return new Person(idOf(split, index), split, index, personSeed, identity, style);
    }

    public List<Person> persons(int count) {
        List<Person> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(person(i));
        }
        return out;
    }
}
