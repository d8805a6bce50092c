package dev.paffmem.memory;

import java.util.Arrays;

/**
 * The enrolled faces of one {@link AffectiveMemory}: the person's own faces at known emotions, each kept as given
 * (weights, label, residual = label minus the PK's reading). Not GWR neurons: no training rule reads or changes
 * them. Stored oldest first (index 0 the oldest) in dense arrays like {@link NeuronGraph}'s; when {@code max} are
 * held, a new face shifts the others down by one and takes the last slot, so the order, and with it the tie rule
 * of the nearest-face search (lower index = older face wins), is the same before and after a state round trip.
 * The shift costs {@code max * dimension} floats per enrolment once full (3,200 at the defaults), rare next to frames.
 */
final class EnrolledFaces {

  final int dim;
  final int max;

  int count;
  float[] weights = new float[0];
  float[] arousal = new float[0];
  float[] valence = new float[0];
  float[] residualArousal = new float[0];
  float[] residualValence = new float[0];

  EnrolledFaces(int dim, int max) {
    this.dim = dim;
    this.max = max;
  }

  /** Appends a face (the caller validated it); when {@code max} are held the oldest is dropped first. */
  void add(float[] z, float a, float v, float ra, float rv) {
    if (max == 0) {
      return;
    }
    if (count == max) {
      System.arraycopy(weights, dim, weights, 0, (count - 1) * dim);
      shiftDown(arousal);
      shiftDown(valence);
      shiftDown(residualArousal);
      shiftDown(residualValence);
      count--;
    } else if (count == arousal.length) {
      grow(Math.min(max, Math.max(4, 2 * count)));
    }
    int i = count++;
    System.arraycopy(z, 0, weights, i * dim, dim);
    arousal[i] = a;
    valence[i] = v;
    residualArousal[i] = ra;
    residualValence[i] = rv;
  }

  /** Makes room for {@code capacity} faces (the state codec's, before it fills the arrays). */
  void grow(int capacity) {
    if (capacity <= arousal.length) {
      return;
    }
    weights = Arrays.copyOf(weights, capacity * dim);
    arousal = Arrays.copyOf(arousal, capacity);
    valence = Arrays.copyOf(valence, capacity);
    residualArousal = Arrays.copyOf(residualArousal, capacity);
    residualValence = Arrays.copyOf(residualValence, capacity);
  }

  private void shiftDown(float[] a) {
    System.arraycopy(a, 1, a, 0, count - 1);
  }

  /** Copy of face i's weights (tests). */
  float[] weights(int i) {
    return Arrays.copyOfRange(weights, i * dim, (i + 1) * dim);
  }
}
