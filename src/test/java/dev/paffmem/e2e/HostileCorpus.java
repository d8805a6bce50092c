// Over 400 lines: the hostile-input corpus, one short method per kind of bad record: a list, not logic.
package dev.paffmem.e2e;

import dev.paffmem.schema.EnrolmentLabel;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.WireFormat;
import dev.paffmem.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A deterministic corpus of hostile input records, each with what the job must make of it: exactly one
 * prediction ({@code expected == null}) or exactly one dead letter with {@code expected} as its reason.
 *
 * <p>Random bytes; truncations of a valid record at every field boundary; wrong markers and fingerprints;
 * crafted Avro length prefixes, union and enum indexes; sizes just below and just above every limit of the
 * job's defaults (record bytes, image pixels, minimum side, RAW byte count, labels, text lengths);
 * decompression bombs by header and by ancillary chunks; truncated, cut and mismatched PNG/JPEG images;
 * odd keys. Every record that should be accepted gets a person of its own, so none depends on another's
 * sequence. Limits assumed: the job's defaults (--max-record-bytes 1048576, --max-image-pixels 1048576,
 * --min-image-side 16); the broker must accept values of about 1.05 MB.
 */
final class HostileCorpus {

  /** One record and the expected outcome: null = one prediction, else one dead letter of this reason. */
  record Case(String name, byte[] key, byte[] value, RejectReason expected) {
    @Override
    public String toString() {
      return name + " (key " + (key == null ? "null" : key.length + " B") + ", value "
          + (value == null ? "null" : value.length + " B") + ") -> " + (expected == null ? "prediction" : expected);
    }
  }

  static final int MAX_RECORD_BYTES = 1_048_576;
  static final long MAX_PIXELS = 1_048_576;

  private final List<Case> cases = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(20261129L);
  private int persons;

  private HostileCorpus() {}

  static List<Case> build() {
    HostileCorpus c = new HostileCorpus();
    c.randomBytes();
    c.truncations();
    c.headers();
    c.lengthPrefixes();
    c.recordSizes();
    c.labelsIndexesAndTexts();
    c.rawSizes();
    c.bombs();
    c.brokenImages();
    c.oddKeys();
    return List.copyOf(c.cases);
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private String person() {
    return "h" + (persons++);
  }

  static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static FaceFrame.Builder valid(String person) {
    return FaceFrame.newBuilder(TestStream.frame(person, 0)).setFrameIndex(0);
  }

  static byte[] bytes(FaceFrame f) {
    return WireFormat.encode(f::toByteBuffer);
  }

  private void ok(String name, FaceFrame f) {
    cases.add(new Case(name, key(f.getPersonId()), bytes(f), null));
  }

  private void bad(String name, byte[] key, byte[] value, RejectReason reason) {
    cases.add(new Case(name, key, value, reason));
  }

  private void bad(String name, FaceFrame f, RejectReason reason) {
    bad(name, key(f.getPersonId()), bytes(f), reason);
  }

  static byte[] image(int w, int h, String format) {
    return TestImages.gradient(w, h, format);
  }

  private FaceFrame withImage(String person, byte[] image, ImageEncoding enc) {
    return valid(person).setEncoding(enc).setImage(ByteBuffer.wrap(image)).setWidth(null).setHeight(null).build();
  }

  /** The Avro single-object header of FaceFrame: C3 01 and the schema's 64-bit fingerprint, little-endian. */
  static byte[] header() {
    ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(FaceFrame.getClassSchema()));
    return b.array();
  }

  /** A FaceFrame body written field by field, so that any length prefix or index can be a lie. */
  interface Body {
    void write(BinaryEncoder e) throws IOException;
  }

  static byte[] crafted(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header());
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      body.write(e);
      e.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  /** A 96x96 JPEG of noise: most of its bytes are scan data, so a cut lands in the pixels, not the tables. */
  static byte[] noisyJpeg() {
    return TestImages.noise(96, 96, 7, "jpeg");
  }

  /** The data of a zTXt or iCCP chunk: a keyword, its NUL, compression method 0 (deflate), the deflated bytes. */
  static byte[] compressedChunkData(String keyword, byte[] deflated) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
    out.write(0);
    out.write(0);
    out.writeBytes(deflated);
    return out.toByteArray();
  }

  /** A PNG chunk: length, type, data, CRC over type and data. */
  static byte[] chunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 4, 4 + data.length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** {@code png} with {@code extra} inserted right after its IHDR chunk (8 + 25 bytes). */
  static byte[] insertAfterIhdr(byte[] png, byte[] extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, 33);
    out.writeBytes(extra);
    out.write(png, 33, png.length - 33);
    return out.toByteArray();
  }

  /** A PNG's IHDR width/height rewritten (CRC fixed), the pixel data left as it was. */
  static byte[] pngHeaderSays(byte[] png, int w, int h) {
    byte[] out = png.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    b.putInt(16, w).putInt(20, h);
    CRC32 crc = new CRC32();
    crc.update(out, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return out;
  }

  /** A JPEG's SOF height/width rewritten, the scan data left as it was. */
  static byte[] jpegHeaderSays(byte[] jpeg, int w, int h) {
    byte[] out = jpeg.clone();
    int p = 2;
    while (p < out.length) {
      int marker = out[p + 1] & 0xff;
      int length = (out[p + 2] & 0xff) << 8 | (out[p + 3] & 0xff);
      if (marker >= 0xc0 && marker <= 0xc2) {
        out[p + 5] = (byte) (h >> 8);
        out[p + 6] = (byte) h;
        out[p + 7] = (byte) (w >> 8);
        out[p + 8] = (byte) w;
        return out;
      }
      p += 2 + length;
    }
    throw new IllegalStateException("no SOF in the JPEG");
  }

  static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  /** A valid frame padded (in videoId, a byte per char) to exactly {@code size} bytes. */
  static FaceFrame paddedTo(String person, int size) {
    // the image carries most of the bytes; videoId (<= 1024 chars) the last few hundred
    FaceFrame base = valid(person).setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(new byte[0]))
        .setWidth(null).setHeight(null).setVideoId("").build();
    byte[] png = image(96, 96, "png");
    int fixed = bytes(base).length;
    // a PNG may carry ancillary chunks: pad with one private chunk, then fine-tune with videoId
    int room = size - fixed - png.length - 3 /* varint growth */ - 12 /* chunk overhead */ - 512;
    byte[] padded = insertAfterIhdr(png, chunk("zzPd", new byte[room]));
    for (int video = 0; video <= 1024; video++) {
      FaceFrame f = FaceFrame.newBuilder(base).setImage(ByteBuffer.wrap(padded)).setVideoId("v".repeat(video)).build();
      int n = bytes(f).length;
      if (n == size) {
        return f;
      }
      if (n > size) {
        break;
      }
    }
    throw new IllegalStateException("cannot pad a frame to exactly " + size + " bytes");
  }

  // ---- the corpus ----------------------------------------------------------------------------------

  private void randomBytes() {
    bad("tombstone (no value)", key("x"), null, RejectReason.UNDECODABLE_RECORD);
    bad("empty value", key("x"), new byte[0], RejectReason.UNDECODABLE_RECORD);
    for (int i = 0; i < 12; i++) {
      byte[] junk = new byte[random.nextInt(1, 3000)];
      random.nextBytes(junk);
      junk[0] = (byte) 0x42; // never the single-object marker by chance
      bad("random bytes #" + i, key("x" + i), junk, RejectReason.UNDECODABLE_RECORD);
    }
    byte[] junk = new byte[4096];
    random.nextBytes(junk);
    byte[] withHeader = Arrays.copyOf(header(), 10 + junk.length);
    System.arraycopy(junk, 0, withHeader, 10, junk.length);
    bad("valid header, random body", key("x"), withHeader, RejectReason.UNDECODABLE_RECORD);
  }

  private void truncations() {
    byte[] whole = bytes(valid("cut").build());
    int[] cuts = {1, 2, 3, 9, 10, 11, 12, 13, 14, 20, 40, whole.length / 2, whole.length - 20, whole.length - 9,
        whole.length - 5, whole.length - 1};
    for (int cut : cuts) {
      bad("valid record cut to " + cut + " bytes", key("cut"), Arrays.copyOf(whole, cut), RejectReason.UNDECODABLE_RECORD);
    }
    byte[] longer = Arrays.copyOf(whole, whole.length + 1);
    bad("valid record + one trailing byte", key("cut"), longer, RejectReason.UNDECODABLE_RECORD);
  }

  private void headers() {
    byte[] whole = bytes(valid("hdr").build());
    byte[] marker = whole.clone();
    marker[1] = 0x00;
    bad("wrong single-object version byte", key("hdr"), marker, RejectReason.UNDECODABLE_RECORD);
    for (int i = 2; i < 10; i += 3) {
      byte[] fp = whole.clone();
      fp[i] ^= 0x5a;
      bad("wrong schema fingerprint (byte " + i + ")", key("hdr"), fp, RejectReason.UNDECODABLE_RECORD);
    }
    try {
      byte[] frame = TestStream.bytes(TestStream.frame("hdr", 0));
      byte[] other = WireFormat.bytes(dev.paffmem.schema.RejectedFrame.newBuilder().setReason(RejectReason.OTHER)
          .setMessage("m").setSourceTopic("t").setPartition(0).setOffset(0).setRejectedAt(Instant.EPOCH).build()
          .toByteBuffer());
      bad("a RejectedFrame instead of a FaceFrame", key("hdr"), other, RejectReason.UNDECODABLE_RECORD);
      bad("a FaceFrame in plain Avro binary (no header)", key("hdr"),
          Arrays.copyOfRange(frame, 10, frame.length), RejectReason.UNDECODABLE_RECORD);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void lengthPrefixes() {
    long[] lies = {-1, -1_000_000, 1_000_000, Integer.MAX_VALUE, Long.MAX_VALUE / 2};
    for (long lie : lies) {
      bad("personId length prefix " + lie, key("x"), crafted(e -> {
        e.writeLong(lie); // a string's length is a zig-zag long
        e.writeFixed("p".getBytes(StandardCharsets.UTF_8));
      }), RejectReason.UNDECODABLE_RECORD);
      bad("image length prefix " + lie, key("p"), crafted(e -> {
        e.writeString("p");
        e.writeString("s");
        e.writeLong(0);
        e.writeLong(1_700_000_000_000L);
        e.writeEnum(2); // RAW_RGB8
        e.writeLong(lie); // bytes length
        e.writeFixed(new byte[64]);
      }), RejectReason.UNDECODABLE_RECORD);
    }
    bad("encoding enum index 99", key("p"), crafted(e -> {
      e.writeString("p");
      e.writeString("s");
      e.writeLong(0);
      e.writeLong(0);
      e.writeEnum(99);
    }), RejectReason.UNDECODABLE_RECORD);
    bad("width union index 7", key("p"), crafted(e -> {
      e.writeString("p");
      e.writeString("s");
      e.writeLong(0);
      e.writeLong(0);
      e.writeEnum(2);
      e.writeBytes(new byte[3]);
      e.writeIndex(7);
    }), RejectReason.UNDECODABLE_RECORD);
    bad("10-byte varint overflow", key("p"), crafted(e -> e.writeFixed(new byte[] {
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01})), RejectReason.UNDECODABLE_RECORD);
  }

  private void recordSizes() {
    String p = person();
    ok("valid frame of exactly --max-record-bytes", paddedTo(p, MAX_RECORD_BYTES));
    bad("valid frame one byte over --max-record-bytes", paddedTo(person(), MAX_RECORD_BYTES + 1),
        RejectReason.PAYLOAD_TOO_LARGE);
    byte[] junk = new byte[1_048_500]; // the issue's poison record: its dead letter used to exceed max.request.size
    random.nextBytes(junk);
    junk[0] = 0x42;
    bad("1,048,500 random bytes (under every limit)", key("big"), junk, RejectReason.UNDECODABLE_RECORD);
    FaceFrame big = FaceFrame.newBuilder(paddedTo(person(), 1_048_500)).setArousal(2f).build();
    bad("1,048,500-byte frame with arousal 2", big, RejectReason.LABEL_OUT_OF_RANGE);
    byte[] over = new byte[MAX_RECORD_BYTES + 4000];
    random.nextBytes(over);
    bad("value 4000 bytes over --max-record-bytes", key("big"), over, RejectReason.PAYLOAD_TOO_LARGE);
  }

  private void labelsIndexesAndTexts() {
    ok("arousal exactly 1, valence exactly -1", valid(person()).setArousal(1f).setValence(-1f).build());
    ok("no labels", valid(person()).setArousal(null).setValence(null).build());
    bad("arousal just above 1", valid(person()).setArousal(Math.nextUp(1f)).build(), RejectReason.LABEL_OUT_OF_RANGE);
    bad("valence just below -1", valid(person()).setValence(Math.nextDown(-1f)).build(), RejectReason.LABEL_OUT_OF_RANGE);
    bad("arousal NaN", valid(person()).setArousal(Float.NaN).build(), RejectReason.NON_FINITE_LABEL);
    bad("valence -infinity", valid(person()).setValence(Float.NEGATIVE_INFINITY).build(), RejectReason.NON_FINITE_LABEL);
    ok("an enrolled face at (1, -1)", valid(person()).setEnrolment(new EnrolmentLabel(1f, -1f)).build());
    bad("enrolment arousal NaN", valid(person()).setEnrolment(new EnrolmentLabel(Float.NaN, 0f)).build(),
        RejectReason.NON_FINITE_LABEL);
    bad("enrolment valence just above 1", valid(person()).setEnrolment(new EnrolmentLabel(0f, Math.nextUp(1f))).build(),
        RejectReason.LABEL_OUT_OF_RANGE);
    ok("frame index Long.MAX_VALUE", valid(person()).setFrameIndex(Long.MAX_VALUE).build());
    bad("frame index -1", valid(person()).setFrameIndex(-1).build(), RejectReason.OTHER);
    bad("frame index Long.MIN_VALUE", valid(person()).setFrameIndex(Long.MIN_VALUE).build(), RejectReason.OTHER);
    String longest = "L" + person() + "-" + "x".repeat(300);
    ok("personId of exactly 256 chars", valid(longest.substring(0, 256)).build());
    String tooLong = "T" + person() + "-" + "x".repeat(300);
    bad("personId of 257 chars", valid(tooLong.substring(0, 257)).build(), RejectReason.OTHER);
    bad("personId of 300,000 chars", valid("P" + "y".repeat(300_000)).build(), RejectReason.OTHER);
    ok("sourceId of exactly 1024 chars", valid(person()).setSourceId("s".repeat(1024)).build());
    bad("videoId of 1025 chars", valid(person()).setVideoId("v".repeat(1025)).build(), RejectReason.OTHER);
    bad("blank personId", key(" "), bytes(valid(" ").build()), RejectReason.MISSING_PERSON_ID);
    ok("personId with emoji and accents", valid("\uD83D\uDC64-\u00fc-" + person()).build());
    bad("encoding UNKNOWN", valid(person()).setEncoding(ImageEncoding.UNKNOWN).build(), RejectReason.UNSUPPORTED_ENCODING);
  }

  private void rawSizes() {
    ok("RAW 16x16 (the smallest side)", valid(person()).setImage(ByteBuffer.wrap(new byte[16 * 16 * 3]))
        .setWidth(16).setHeight(16).build());
    bad("RAW 15x16", valid(person()).setImage(ByteBuffer.wrap(new byte[15 * 16 * 3])).setWidth(15).setHeight(16).build(),
        RejectReason.WRONG_IMAGE_SIZE);
    bad("RAW 96x96 one byte short", valid(person()).setImage(ByteBuffer.wrap(new byte[96 * 96 * 3 - 1])).build(),
        RejectReason.WRONG_IMAGE_SIZE);
    bad("RAW 96x96 one byte over", valid(person()).setImage(ByteBuffer.wrap(new byte[96 * 96 * 3 + 1])).build(),
        RejectReason.WRONG_IMAGE_SIZE);
    bad("RAW 0x0, no bytes", valid(person()).setImage(ByteBuffer.wrap(new byte[0])).setWidth(0).setHeight(0).build(),
        RejectReason.WRONG_IMAGE_SIZE);
    bad("RAW 96x96, no bytes", valid(person()).setImage(ByteBuffer.wrap(new byte[0])).build(),
        RejectReason.WRONG_IMAGE_SIZE);
    bad("RAW -96x-96", valid(person()).setWidth(-96).setHeight(-96).build(), RejectReason.WRONG_IMAGE_SIZE);
    bad("RAW 65536x65536, no bytes", valid(person()).setImage(ByteBuffer.wrap(new byte[0])).setWidth(65536)
        .setHeight(65536).build(), RejectReason.PAYLOAD_TOO_LARGE);
    bad("RAW 2^31-1 x 2^31-1", valid(person()).setWidth(Integer.MAX_VALUE).setHeight(Integer.MAX_VALUE).build(),
        RejectReason.PAYLOAD_TOO_LARGE);
    bad("RAW without height", valid(person()).setHeight(null).build(), RejectReason.WRONG_IMAGE_SIZE);
  }

  private void bombs() {
    byte[] png = image(96, 96, "png");
    byte[] jpeg = image(96, 96, "jpeg");
    ok("PNG 1024x1024 (exactly --max-image-pixels)", withImage(person(), image(1024, 1024, "png"), ImageEncoding.PNG));
    bad("PNG 1025x1024", withImage(person(), image(1025, 1024, "png"), ImageEncoding.PNG), RejectReason.PAYLOAD_TOO_LARGE);
    bad("PNG header 40000x40000", withImage(person(), pngHeaderSays(png, 40_000, 40_000), ImageEncoding.PNG),
        RejectReason.PAYLOAD_TOO_LARGE);
    bad("PNG header 2^31-1 x 2^31-1", withImage(person(), pngHeaderSays(png, Integer.MAX_VALUE, Integer.MAX_VALUE),
        ImageEncoding.PNG), RejectReason.PAYLOAD_TOO_LARGE);
    bad("JPEG header 65535x65535", withImage(person(), jpegHeaderSays(jpeg, 65535, 65535), ImageEncoding.JPEG),
        RejectReason.PAYLOAD_TOO_LARGE);
    bad("JPEG header 2000x1000", withImage(person(), jpegHeaderSays(jpeg, 2000, 1000), ImageEncoding.JPEG),
        RejectReason.PAYLOAD_TOO_LARGE);
    // ancillary chunks that inflate to 64 MB each: the decoder must not inflate them (the pixels are fine)
    byte[] zeros = deflate(new byte[64 << 20]);
    ok("PNG with a zTXt chunk inflating to 64 MB", withImage(person(),
        insertAfterIhdr(png, chunk("zTXt", compressedChunkData("Comment", zeros))), ImageEncoding.PNG));
    ok("PNG with an iCCP chunk inflating to 64 MB", withImage(person(),
        insertAfterIhdr(png, chunk("iCCP", compressedChunkData("icc", zeros))), ImageEncoding.PNG));
    ByteArrayOutputStream many = new ByteArrayOutputStream();
    for (int i = 0; i < 2000; i++) {
      many.writeBytes(chunk("tEXt", ("k" + i + "\0value").getBytes(StandardCharsets.ISO_8859_1)));
    }
    ok("PNG with 2000 tEXt chunks", withImage(person(), insertAfterIhdr(png, many.toByteArray()), ImageEncoding.PNG));
  }

  private void brokenImages() {
    byte[] png = image(96, 96, "png");
    byte[] jpeg = image(96, 96, "jpeg");
    ok("PNG 96x96", withImage(person(), png, ImageEncoding.PNG));
    ok("JPEG 96x96", withImage(person(), jpeg, ImageEncoding.JPEG));
    ok("PNG 16x16", withImage(person(), image(16, 16, "png"), ImageEncoding.PNG));
    bad("PNG 16x15", withImage(person(), image(16, 15, "png"), ImageEncoding.PNG), RejectReason.WRONG_IMAGE_SIZE);
    for (int cut : new int[] {jpeg.length / 2, jpeg.length - 2, jpeg.length - 1, 200, 4}) {
      bad("JPEG cut to " + cut + " of " + jpeg.length + " bytes", withImage(person(), Arrays.copyOf(jpeg, cut),
          ImageEncoding.JPEG), RejectReason.UNDECODABLE_IMAGE);
    }
    byte[] photo = noisyJpeg();
    for (int cut : new int[] {photo.length / 2, photo.length * 3 / 4, photo.length - 2}) {
      bad("noisy JPEG cut to " + cut + " of " + photo.length + " bytes", withImage(person(), Arrays.copyOf(photo, cut),
          ImageEncoding.JPEG), RejectReason.UNDECODABLE_IMAGE);
    }
    byte[] half = Arrays.copyOf(photo, photo.length / 2 + 2);
    half[half.length - 2] = (byte) 0xff;
    half[half.length - 1] = (byte) 0xd9;
    bad("JPEG cut in half, end marker put back", withImage(person(), half, ImageEncoding.JPEG),
        RejectReason.UNDECODABLE_IMAGE);
    for (int cut : new int[] {png.length / 2, png.length - 12, png.length - 1, 30, 8}) {
      bad("PNG cut to " + cut + " of " + png.length + " bytes", withImage(person(), Arrays.copyOf(png, cut),
          ImageEncoding.PNG), RejectReason.UNDECODABLE_IMAGE);
    }
    bad("JPEG whose header says 1024x1024 over 96x96 data", withImage(person(), jpegHeaderSays(jpeg, 1024, 1024),
        ImageEncoding.JPEG), RejectReason.UNDECODABLE_IMAGE);
    bad("JPEG whose header says 128x128 over 96x96 data", withImage(person(), jpegHeaderSays(jpeg, 128, 128),
        ImageEncoding.JPEG), RejectReason.UNDECODABLE_IMAGE);
    bad("PNG whose header says 128x128 over 96x96 data", withImage(person(), pngHeaderSays(png, 128, 128),
        ImageEncoding.PNG), RejectReason.UNDECODABLE_IMAGE);
    bad("JPEG bytes declared PNG", withImage(person(), jpeg, ImageEncoding.PNG), RejectReason.UNDECODABLE_IMAGE);
    bad("PNG bytes declared JPEG", withImage(person(), png, ImageEncoding.JPEG), RejectReason.UNDECODABLE_IMAGE);
    bad("PNG, empty image", withImage(person(), new byte[0], ImageEncoding.PNG), RejectReason.UNDECODABLE_IMAGE);
    byte[] noise = new byte[5000];
    random.nextBytes(noise);
    byte[] soiNoise = Arrays.copyOf(new byte[] {(byte) 0xff, (byte) 0xd8}, 5002);
    System.arraycopy(noise, 0, soiNoise, 2, noise.length);
    bad("JPEG start marker then noise", withImage(person(), soiNoise, ImageEncoding.JPEG), RejectReason.UNDECODABLE_IMAGE);
    bad("PNG 96x96, width field 95", valid(person()).setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(png))
        .setWidth(95).setHeight(96).build(), RejectReason.WRONG_IMAGE_SIZE);
  }

  private void oddKeys() {
    String p = person();
    cases.add(new Case("no key", null, bytes(valid(p).build()), null));
    bad("empty key", new byte[0], bytes(valid(person()).build()), RejectReason.KEY_MISMATCH);
    bad("key of invalid UTF-8", new byte[] {(byte) 0xff, (byte) 0xfe, 'h'}, bytes(valid(person()).build()),
        RejectReason.KEY_MISMATCH);
    byte[] huge = new byte[200_000];
    Arrays.fill(huge, (byte) 'k');
    bad("key of 200,000 bytes", huge, bytes(valid(person()).build()), RejectReason.KEY_MISMATCH);
    String q = person();
    bad("key of another person", key(q + "-other"), bytes(valid(q).build()), RejectReason.KEY_MISMATCH);
  }
}
