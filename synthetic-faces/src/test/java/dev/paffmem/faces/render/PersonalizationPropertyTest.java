package dev.paffmem.faces.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The property the evaluation rests on, checked on the expression features (no pixels, no nets):
 * a general model fitted to typical persons reads typical persons well and every atypical kind badly,
 * while a model fitted to one person's own faces at known emotions (what a personal memory sees)
 * reads that person well again. Models are k-nearest-neighbour regressors on the feature vector.
 */
class PersonalizationPropertyTest {
    private static final int GRID = 21;

    static double[] features(Expression e) {
        return new double[] {
            e.cornerLift()[0], e.cornerLift()[1], e.mouthOpen(), (e.mouthWidth() - 1) * 5,
            e.eyeOpen()[0], e.eyeOpen()[1], e.lowerLidRaise(), e.browRaise()[0], e.browRaise()[1], e.browTilt()};
    }

    record Sample(double[] x, double a, double v) {
    }

    static List<Sample> grid(ExpressionStyle style) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < GRID; i++) {
            for (int j = 0; j < GRID; j++) {
                double a = -1 + 2.0 * i / (GRID - 1);
                double v = -1 + 2.0 * j / (GRID - 1);
                out.add(new Sample(features(style.express(a, v)), a, v));
            }
        }
        return out;
    }

    static double[] predict(List<Sample> memory, double[] x, int k) {
        double[] best = new double[k];
        Sample[] who = new Sample[k];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (Sample s : memory) {
            double d = 0;
            for (int i = 0; i < x.length; i++) {
                double t = x[i] - s.x()[i];
                d += t * t;
            }
            for (int j = 0; j < k; j++) {
                if (d < best[j]) {
                    System.arraycopy(best, j, best, j + 1, k - j - 1);
                    System.arraycopy(who, j, who, j + 1, k - j - 1);
                    best[j] = d;
                    who[j] = s;
                    break;
                }
            }
        }
        double a = 0;
        double v = 0;
        for (Sample s : who) {
            a += s.a() / k;
            v += s.v() / k;
        }
        return new double[] {a, v};
    }

    /** Mean absolute error over arousal and valence on random test points. */
    static double mae(List<Sample> memory, ExpressionStyle style, long seed, int k) {
        Rng rng = new Rng(seed);
        double err = 0;
        int n = 150;
        for (int i = 0; i < n; i++) {
            double a = rng.uniform(-1, 1);
            double v = rng.uniform(-1, 1);
            double[] p = predict(memory, features(style.express(a, v)), k);
            err += (Math.abs(p[0] - a) + Math.abs(p[1] - v)) / 2;
        }
        return err / n;
    }

    @Test
    void generalModelIsBiasedOnAtypicalPersonsAndAPersonalModelCorrectsIt() {
        List<Sample> general = new ArrayList<>();
        Population train = new Population(Population.DEFAULT_SEED, Split.TRAIN, 0.0);
        for (int i = 0; i < 30; i++) {
            general.addAll(grid(train.person(i).style()));
        }
        Population eval = new Population(Population.DEFAULT_SEED, Split.EVAL, 0.5);
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            Person p = eval.person(i);
            double generalMae = mae(general, p.style(), i, 5);
            double personalMae = mae(grid(p.style()), p.style(), i, 1);
            report.append(String.format("%s %-20s general %.3f personal %.3f%n", p.id(), p.kind().label(), generalMae,
                    personalMae));
            if (p.kind().atypical()) {
                assertTrue(generalMae > 0.20, p.id() + " " + p.kind() + ": general model not biased enough\n" + report);
            } else {
                assertTrue(generalMae < 0.12, p.id() + " typical: general model error too large\n" + report);
            }
            assertTrue(personalMae < 0.10, p.id() + " " + p.kind() + ": personal model does not correct\n" + report);
        }
        System.out.print(report);
    }
}
