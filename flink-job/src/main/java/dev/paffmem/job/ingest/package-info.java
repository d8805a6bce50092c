/**
 * Stage 1 of a frame's path, <b>ingest</b>: Kafka records to validated {@code Frame}s. The raw record
 * ({@code RawRecordDeserializer}), the keyBy ({@code RoutingKey}), every validation rule in plain Java
 * ({@code FrameDecoder}, {@code SafeFaceFrameReader}, {@code ImageHeader}, {@code ImageDecoder}), the Flink
 * adapter ({@code FrameValidator}) and the dead-letter side output ({@code Rejections}).
 */
package dev.paffmem.job.ingest;
