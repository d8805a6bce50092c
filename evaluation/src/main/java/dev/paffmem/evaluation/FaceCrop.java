package dev.paffmem.evaluation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * The face-detection step of an OMG-Emotion pipeline, done before frames reach the job: the job takes
 * face crops (FaceFrame), and the PK was trained on AffectNet-style crops of the face box. {@code none}
 * sends the frames as they are; {@code auto} crops to the per-frame box of frames.csv
 * ({@code face_x,face_y,face_width,face_height}) when it has one; {@code x,y,w,h} crops every frame to
 * that fixed box. The crop goes out as PNG; the job resizes it to the model's input.
 */
public final class FaceCrop {

  private final String mode;
  private final OmgDataset.FaceBox fixed;

  private FaceCrop(String mode, OmgDataset.FaceBox fixed) {
    this.mode = mode;
    this.fixed = fixed;
  }

  public static FaceCrop parse(String spec) {
    return switch (spec.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "none" -> new FaceCrop("none", null);
      case "auto" -> new FaceCrop("auto", null);
      default -> new FaceCrop("fixed", OmgDataset.FaceBox.parse(spec));
    };
  }

  /** The box to crop {@code f} to, or null. */
  public OmgDataset.FaceBox boxOf(OmgDataset.FrameRef f) {
    return switch (mode) {
      case "auto" -> f.box();
      case "fixed" -> fixed;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return "fixed".equals(mode) ? fixed.toString() : mode;
  }

  /** Crops encoded image bytes to {@code box} (clamped to the image) and returns PNG bytes. */
  public static byte[] crop(byte[] encoded, OmgDataset.FaceBox box) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
    if (img == null) {
      return encoded; // not decodable: let the job reject it with its reason
    }
    int x = Math.max(0, Math.min(box.x(), img.getWidth() - 1));
    int y = Math.max(0, Math.min(box.y(), img.getHeight() - 1));
    int w = Math.max(1, Math.min(box.width(), img.getWidth() - x));
    int h = Math.max(1, Math.min(box.height(), img.getHeight() - y));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    out.getGraphics().drawImage(img.getSubimage(x, y, w, h), 0, 0, null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(out, "png", bytes);
    return bytes.toByteArray();
  }
}
