package dev.paffmem.faces.persons;

import dev.paffmem.faces.render.Anatomy;
import dev.paffmem.faces.render.ExpresserKind;
import dev.paffmem.faces.render.ExpressionStyle;
import dev.paffmem.faces.render.Identity;
import dev.paffmem.faces.render.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * The persons of one split, derived from a master seed.
 *
 * <p>Kinds: person i is atypical when the running count floor((i + 1) * atypicalShare) steps up at i, so any prefix
 * of n persons holds round(n * share) atypical ones, spread evenly; the k-th atypical person gets the k-th kind of
 * {@link #atypicalKinds}, cycling. Among the other persons, {@link ExpresserKind#IDENTITY_CONFOUND} persons are
 * handed out by the same rule so that they make up {@code confoundShare} of all persons; the rest are typical.
 *
 * <p>Anatomy ({@link Anatomy}): every person's identity-level traits are drawn within {@code anatomySpread} of the
 * wide range ({@link #NARROW_ANATOMY} by default: the PK's training persons and the typical evaluation persons);
 * identity-confound persons get two dominant traits at 80-130 % of the wide range ({@link Anatomy#confounded}).
 */
public final class Population {
    public static final long DEFAULT_SEED = 20190609L;
    /** The anatomy spread of ordinary persons, training persons included: 30 % of the evaluation range. */
    public static final double NARROW_ANATOMY = 0.3;

    private final long seed;
    private final Split split;
    private final double atypicalShare;
    private final double confoundShare;
    private final double anatomySpread;
    private final ExpresserKind[] kinds;

    public Population(long seed, Split split, double atypicalShare) {
        this(seed, split, atypicalShare, 0.0);
    }

    public Population(long seed, Split split, double atypicalShare, double confoundShare) {
        this(seed, split, atypicalShare, confoundShare, NARROW_ANATOMY, ExpresserKind.atypicalKinds());
    }

    public Population(long seed, Split split, double atypicalShare, ExpresserKind[] atypicalKinds) {
        this(seed, split, atypicalShare, 0.0, NARROW_ANATOMY, atypicalKinds);
    }

    public Population(long seed, Split split, double atypicalShare, double confoundShare, double anatomySpread,
            ExpresserKind[] atypicalKinds) {
        if (atypicalShare < 0 || atypicalShare > 1) {
            throw new IllegalArgumentException("atypical share must be in [0, 1]: " + atypicalShare);
        }
        if (confoundShare < 0 || atypicalShare + confoundShare > 1 + 1e-9) {
            throw new IllegalArgumentException("confound share must be in [0, 1 - atypical share]: " + confoundShare);
        }
        if (anatomySpread < 0 || anatomySpread > 1) {
            throw new IllegalArgumentException("anatomy spread must be in [0, 1]: " + anatomySpread);
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
        this.confoundShare = confoundShare;
        this.anatomySpread = anatomySpread;
        this.kinds = atypicalKinds.clone();
    }

    public Split split() {
        return split;
    }

    public ExpresserKind[] atypicalKinds() {
        return kinds.clone();
    }

    public ExpresserKind kindOf(int index) {
        long before = steps(index, atypicalShare);
        long after = steps(index + 1, atypicalShare);
        if (after > before) {
            return kinds[(int) (before % kinds.length)];
        }
        if (confoundShare > 0) {
            double share = confoundShare / (1 - atypicalShare);
            long j = index - before; // index among the persons that are not atypical
            if (steps(j + 1, share) > steps(j, share)) {
                return ExpresserKind.IDENTITY_CONFOUND;
            }
        }
        return ExpresserKind.TYPICAL;
    }

    private static long steps(long n, double share) {
        return (long) StrictMath.floor(n * share + 1e-9);
    }

    public static String idOf(Split split, int index) {
        return String.format("%s-%05d", split.prefix, index);
    }

    public Person person(int index) {
        long personSeed = Rng.derive(Rng.derive(seed, split.salt), index);
        Identity identity = Identity.random(new Rng(Rng.derive(personSeed, 1)));
        ExpresserKind kind = kindOf(index);
        ExpressionStyle style = ExpressionStyle.random(kind, new Rng(Rng.derive(personSeed, 2)));
        Rng anatomyRng = new Rng(Rng.derive(personSeed, 3));
        Anatomy anatomy = kind == ExpresserKind.IDENTITY_CONFOUND
                ? Anatomy.confounded(anatomyRng, anatomySpread)
                : Anatomy.random(anatomyRng, anatomySpread);
        return new Person(idOf(split, index), split, index, personSeed, identity, anatomy, style);
    }

    public List<Person> persons(int count) {
        List<Person> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(person(i));
        }
        return out;
    }
}
