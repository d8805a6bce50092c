package dev.paffmem.producer.track;

/** An axis-aligned box in pixels of the source frame: top-left corner, width and height. */
public record Box(double x, double y, double width, double height) {

  public double centerX() {
    return x + width / 2;
  }

  public double centerY() {
    return y + height / 2;
  }

  public double area() {
    return Math.max(0, width) * Math.max(0, height);
  }

  /** Intersection over union, 0 for disjoint boxes. */
  public double iou(Box o) {
    double ix = Math.min(x + width, o.x + o.width) - Math.max(x, o.x);
    double iy = Math.min(y + height, o.y + o.height) - Math.max(y, o.y);
    if (ix <= 0 || iy <= 0) {
      return 0;
    }
    double inter = ix * iy;
    return inter / (area() + o.area() - inter);
  }

  /** The same box moved by (dx, dy) and grown by dw, dh around its centre. */
  public Box moved(double dx, double dy, double dw, double dh) {
    return new Box(x + dx - dw / 2, y + dy - dh / 2, width + dw, height + dh);
  }

  /** The share of this box's area that lies inside a frame of the given size. */
  public double insideShare(int frameWidth, int frameHeight) {
    double ix = Math.min(x + width, frameWidth) - Math.max(x, 0);
    double iy = Math.min(y + height, frameHeight) - Math.max(y, 0);
    return ix <= 0 || iy <= 0 || area() == 0 ? 0 : ix * iy / area();
  }
}
