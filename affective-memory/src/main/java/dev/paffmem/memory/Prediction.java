package dev.paffmem.memory;

/**
 * What the memory says about one z: with the paper's read-out the labels of its best-matching unit; with the
 * other read-outs ({@link MemoryConfig.Readout}) what they compute from the nearest neurons and the PK.
 *
 * <p>On an empty memory (no sample trained yet) the prediction is the neutral point
 * (arousal 0, valence 0) with activation 0 and memory size 0: nothing is known yet.
 *
 * @param arousal predicted arousal, in [-1, 1]
 * @param valence predicted valence, in [-1, 1]
 * @param activation exp(-||z - w_b||) in [0, 1]; low means the memory has not seen such a face (with enrolled
 *     faces, {@link AffectiveMemory#enrol}: the nearest enrolled face's activation)
 * @param memorySize number of neurons of the memory (GWR neurons only, also when enrolled faces answer)
 */
public record Prediction(float arousal, float valence, float activation, int memorySize) {}
