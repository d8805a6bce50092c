package dev.paffmem.memory;

import java.util.Arrays;

/**
 * The neurons and edges of one {@link AffectiveMemory}, correct by construction: neurons are dense (weights in
 * one flat {@code float[]}, neuron-major; counters, labels and residuals in parallel arrays), removing a
 * neuron moves the last one into its slot (swap-remove) and renames it in its neighbours' lists. Edges live
 * in per-neuron adjacency lists kept sorted by neighbour index, each edge in both lists with the same age;
 * every change goes through {@link #connect}/{@link #disconnect}, so symmetry holds by construction and the
 * state depends only on the neurons and the edge set, not on history. Knows no rule of the GWR: the rules are
 * {@link AffectiveMemory}'s, which reads and writes these arrays directly in its training loop.
 */
final class NeuronGraph {

  private static final int INITIAL_DEGREE_CAPACITY = 4;

  final int dim;
  private final int maxNeurons;

  int size;
  float[] weights;
  float[] habituation;
  float[] arousal;
  float[] valence;
  /** Per neuron: label minus the PK's reading of the labelled faces it learned (the RESIDUAL read-out). */
  float[] residualArousal;
  float[] residualValence;
  /** neighbours[i][0..degree[i]) ascending; edgeAges[i][k] is the age of edge i-neighbours[i][k]. */
  int[][] neighbours;
  int[][] edgeAges;
  int[] degree;

  /** An empty graph of {@code dim}-dimensional neurons, room for {@code capacity}, growing up to {@code maxNeurons}. */
  NeuronGraph(int dim, int capacity, int maxNeurons) {
    this.dim = dim;
    this.maxNeurons = maxNeurons;
    allocate(Math.max(2, capacity));
  }

  /** Number of (undirected) edges. */
  int edgeCount() {
    int twice = 0;
    for (int i = 0; i < size; i++) {
      twice += degree[i];
    }
    return twice / 2;
  }

  /** Appends a neuron without edges and returns its index (also the tests' hook to build networks). */
  int addNeuron(float[] w, float h, float arousalLabel, float valenceLabel) {
    if (w.length != dim) {
      throw new IllegalArgumentException("weight vector has length " + w.length + ", memory dimension is " + dim);
    }
    ensureCapacity(size + 1);
    int i = size++;
    System.arraycopy(w, 0, weights, i * dim, dim);
    habituation[i] = h;
    arousal[i] = arousalLabel;
    valence[i] = valenceLabel;
    residualArousal[i] = 0f;
    residualValence[i] = 0f;
    degree[i] = 0;
    return i;
  }

  /** Creates edge i-j with the given age, or sets the age of the existing edge. */
  void connect(int i, int j, int age) {
    if (i == j || i < 0 || j < 0 || i >= size || j >= size) {
      throw new IllegalArgumentException("no edge " + i + "-" + j + " in a memory of " + size + " neurons");
    }
    int k = indexOf(i, j);
    if (k >= 0) {
      edgeAges[i][k] = age;
      edgeAges[j][indexOf(j, i)] = age;
    } else {
      insertAt(i, -k - 1, j, age);
      insertAt(j, -indexOf(j, i) - 1, i, age);
    }
  }

  /** Removes edge i-j if present. */
  void disconnect(int i, int j) {
    int k = indexOf(i, j);
    if (k >= 0) {
      removeAt(i, k);
      removeAt(j, indexOf(j, i));
    }
  }

  /** Position of j in i's sorted list, or (-(insertion point) - 1). */
  int indexOf(int i, int j) {
    return Arrays.binarySearch(neighbours[i], 0, degree[i], j);
  }

  private void insertAt(int i, int k, int j, int age) {
    int deg = degree[i];
    if (deg == neighbours[i].length) {
      neighbours[i] = Arrays.copyOf(neighbours[i], 2 * deg);
      edgeAges[i] = Arrays.copyOf(edgeAges[i], 2 * deg);
    }
    System.arraycopy(neighbours[i], k, neighbours[i], k + 1, deg - k);
    System.arraycopy(edgeAges[i], k, edgeAges[i], k + 1, deg - k);
    neighbours[i][k] = j;
    edgeAges[i][k] = age;
    degree[i] = deg + 1;
  }

  private void removeAt(int i, int k) {
    int deg = degree[i];
    System.arraycopy(neighbours[i], k + 1, neighbours[i], k, deg - k - 1);
    System.arraycopy(edgeAges[i], k + 1, edgeAges[i], k, deg - k - 1);
    degree[i] = deg - 1;
  }

  /** Removes neuron i, which must have no edges, by moving the last neuron into its slot. */
  void removeNeuron(int i) {
    int last = size - 1;
    if (i != last) {
      System.arraycopy(weights, last * dim, weights, i * dim, dim);
      habituation[i] = habituation[last];
      arousal[i] = arousal[last];
      valence[i] = valence[last];
      residualArousal[i] = residualArousal[last];
      residualValence[i] = residualValence[last];
      // Swap the list arrays so both slots keep an allocated array.
      int[] tn = neighbours[i];
      neighbours[i] = neighbours[last];
      neighbours[last] = tn;
      int[] ta = edgeAges[i];
      edgeAges[i] = edgeAges[last];
      edgeAges[last] = ta;
      degree[i] = degree[last];
      degree[last] = 0;
      for (int k = 0; k < degree[i]; k++) {
        int n = neighbours[i][k];
        int at = indexOf(n, last);
        int age = edgeAges[n][at];
        removeAt(n, at);
        insertAt(n, -indexOf(n, i) - 1, i, age);
      }
    }
    size--;
  }

  private void allocate(int capacity) {
    weights = new float[capacity * dim];
    habituation = new float[capacity];
    arousal = new float[capacity];
    valence = new float[capacity];
    residualArousal = new float[capacity];
    residualValence = new float[capacity];
    degree = new int[capacity];
    neighbours = new int[capacity][];
    edgeAges = new int[capacity][];
    for (int i = 0; i < capacity; i++) {
      neighbours[i] = new int[INITIAL_DEGREE_CAPACITY];
      edgeAges[i] = new int[INITIAL_DEGREE_CAPACITY];
    }
  }

  void ensureCapacity(int needed) {
    int capacity = habituation.length;
    if (needed <= capacity) {
      return;
    }
    int grown = Math.max(needed, Math.min(2 * capacity, maxNeurons));
    weights = Arrays.copyOf(weights, grown * dim);
    habituation = Arrays.copyOf(habituation, grown);
    arousal = Arrays.copyOf(arousal, grown);
    valence = Arrays.copyOf(valence, grown);
    residualArousal = Arrays.copyOf(residualArousal, grown);
    residualValence = Arrays.copyOf(residualValence, grown);
    degree = Arrays.copyOf(degree, grown);
    neighbours = Arrays.copyOf(neighbours, grown);
    edgeAges = Arrays.copyOf(edgeAges, grown);
    for (int i = capacity; i < grown; i++) {
      neighbours[i] = new int[INITIAL_DEGREE_CAPACITY];
      edgeAges[i] = new int[INITIAL_DEGREE_CAPACITY];
    }
  }

  // ---------------------------------------------------------------- views (tests, the state codec)

  float[] weights(int i) {
    return Arrays.copyOfRange(weights, i * dim, (i + 1) * dim);
  }

  float habituation(int i) {
    return habituation[i];
  }

  float arousal(int i) {
    return arousal[i];
  }

  float valence(int i) {
    return valence[i];
  }

  float residualArousal(int i) {
    return residualArousal[i];
  }

  float residualValence(int i) {
    return residualValence[i];
  }

  int[] neighbours(int i) {
    return Arrays.copyOf(neighbours[i], degree[i]);
  }

  /** Age of edge i-j, or -1 if there is none. */
  int edgeAge(int i, int j) {
    int k = indexOf(i, j);
    return k >= 0 ? edgeAges[i][k] : -1;
  }

  /**
   * Checks every structural invariant and throws IllegalStateException on the first broken one:
   * sorted, symmetric, loop-free adjacency between live neurons with equal ages at both ends;
   * size within the cap; finite weights; habituation in [1 - 1/kappa, 1]; labels in [-1, 1];
   * with two or more neurons, none without edges.
   */
  void checkInvariants(int maxNeurons, float habituationFloor) {
    if (size > Math.max(maxNeurons, 2)) {
      fail("size " + size + " exceeds the cap " + maxNeurons);
    }
    for (int i = 0; i < size; i++) {
      for (int k = 0; k < degree[i]; k++) {
        int j = neighbours[i][k];
        if (j < 0 || j >= size || j == i) {
          fail("neuron " + i + " has an edge to " + j + " (size " + size + ")");
        }
        if (k > 0 && neighbours[i][k - 1] >= j) {
          fail("neighbours of " + i + " not strictly ascending");
        }
        int back = indexOf(j, i);
        if (back < 0 || edgeAges[j][back] != edgeAges[i][k]) {
          fail("edge " + i + "-" + j + " is not symmetric");
        }
        if (edgeAges[i][k] < 0) {
          fail("edge " + i + "-" + j + " has negative age");
        }
      }
      if (size >= 2 && degree[i] == 0) {
        fail("neuron " + i + " has no edges");
      }
      for (int d = 0; d < dim; d++) {
        if (!Float.isFinite(weights[i * dim + d])) {
          fail("neuron " + i + " has a non-finite weight");
        }
      }
      if (!(habituation[i] >= habituationFloor && habituation[i] <= 1f)) {
        fail("neuron " + i + " has habituation " + habituation[i]);
      }
      if (!(arousal[i] >= -1f && arousal[i] <= 1f && valence[i] >= -1f && valence[i] <= 1f)) {
        fail("neuron " + i + " has labels " + arousal[i] + ", " + valence[i]);
      }
    }
  }

  private static void fail(String message) {
    throw new IllegalStateException(message);
  }

}
