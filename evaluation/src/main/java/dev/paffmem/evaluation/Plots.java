package dev.paffmem.evaluation;

import dev.paffmem.evaluation.Scoring.VideoScores;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The evaluation's PNG plots (XChart, headless). */
public final class Plots {

  private static final Color AROUSAL = new Color(0x1f77b4);
  private static final Color VALENCE = new Color(0xd62728);
  private static final Color AROUSAL_PK = new Color(0x9ecae1);
  private static final Color VALENCE_PK = new Color(0xfcaeae);
  private static final BasicStroke SOLID = new BasicStroke(2f);
  private static final BasicStroke THICK = new BasicStroke(4f);
  private static final BasicStroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {6f, 4f}, 0f);

  /** The colours of the synthetic-faces contact sheet, by person type. */
  static Color typeColour(String type) {
    return switch (type) {
      case "typical" -> new Color(0x2ca02c);
      case "resting_offset" -> new Color(0xff7f0e);
      case "inverted_valence" -> new Color(0xd62728);
      case "swapped_axes" -> new Color(0x9467bd);
      case "odd_arousal_carrier" -> new Color(0x1f77b4);
      case "muted" -> new Color(0x7f7f7f);
      case "identity_confound" -> new Color(0x17becf);
      default -> Color.BLACK;
    };
  }

  private Plots() {}

  /**
   * per_video_ccc.png: for each video a point (frame-level CCC of the PK alone, of P-AffMem), arousal and
   * valence side by side, coloured by person type; points above the diagonal are videos the memory improves.
   */
  public static void perVideo(Path file, List<VideoScores> videos) throws IOException {
    XYChart a = perVideoChart("Arousal: per-video CCC", videos, true);
    XYChart v = perVideoChart("Valence: per-video CCC", videos, false);
    // one legend, right of the valence plot, outside both plot areas: it never covers a point
    a.getStyler().setLegendVisible(false);
    v.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    v.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    save(file, side(List.of(a, v)));
  }

  private static XYChart perVideoChart(String title, List<VideoScores> videos, boolean arousal) {
    double lo = -0.2;
    for (VideoScores s : videos) {
      double x = arousal ? s.pkArousal() : s.pkValence();
      double y = arousal ? s.arousal() : s.valence();
      if (!Double.isNaN(x)) {
        lo = Math.min(lo, x);
      }
      if (!Double.isNaN(y)) {
        lo = Math.min(lo, y);
      }
    }
    lo = Math.floor(lo * 5 - 0.25) / 5; // a round margin below the lowest point
    XYChart c = new XYChartBuilder().width(arousal ? 620 : 830).height(620).title(title)
        .xAxisTitle("PK alone (CCC over the video's frames)").yAxisTitle("P-AffMem (CCC over the video's frames)").build();
    style(c);
    c.getStyler().setXAxisMin(lo).setXAxisMax(1.0).setYAxisMin(lo).setYAxisMax(1.0);

    c.getStyler().setMarkerSize(9);
    XYSeries diag = c.addSeries("P-AffMem = PK", new double[] {lo, 1}, new double[] {lo, 1});
    diag.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    diag.setMarker(SeriesMarkers.NONE);
    diag.setLineColor(Color.GRAY);
    diag.setLineStyle(DASHED);
    Map<String, List<double[]>> byType = new LinkedHashMap<>();
    for (VideoScores s : videos) {
      double x = arousal ? s.pkArousal() : s.pkValence();
      double y = arousal ? s.arousal() : s.valence();
      if (!Double.isNaN(x) && !Double.isNaN(y)) {
        byType.computeIfAbsent(s.personType(), k -> new ArrayList<>()).add(new double[] {x, y});
      }
    }
    byType.forEach((type, pts) -> {
      XYSeries s = c.addSeries(type + " (" + pts.size() + ")", pts.stream().mapToDouble(p -> p[0]).toArray(),
          pts.stream().mapToDouble(p -> p[1]).toArray());
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(typeColour(type));
    });
    return c;
  }

  /**
   * The paper's Figure 3 for one video: the running CCC (frames 0..t) of the PK alone and of P-AffMem for
   * arousal and valence over time, and below it the number of neurons of the video's affective memory and
   * the activation of the best-matching unit of each frame. The generation phase is shaded by a line.
   */
  public static void runningCcc(Path file, String video, String personType, List<FramePrediction> frames, double fps)
      throws IOException {
    int n = frames.size();
    double[] t = new double[n];
    double[] truthA = new double[n];
    double[] truthV = new double[n];
    double[] pkA = new double[n];
    double[] pkV = new double[n];
    double[] memA = new double[n];
    double[] memV = new double[n];
    double[] size = new double[n];
    double[] act = new double[n];
    double generationEnd = 0;
    for (int i = 0; i < n; i++) {
      FramePrediction p = frames.get(i);
      t[i] = p.frame() / fps;
      truthA[i] = p.trueArousal();
      truthV[i] = p.trueValence();
      pkA[i] = p.pkArousal();
      pkV[i] = p.pkValence();
      memA[i] = p.arousal();
      memV[i] = p.valence();
      size[i] = p.memorySize();
      act[i] = p.bmuActivation();
      if ("GENERATING".equals(p.phase())) {
        generationEnd = (p.frame() + 1) / fps;
      }
    }
    XYChart top = new XYChartBuilder().width(1100).height(460)
        .title("Video " + video + " (" + personType + "): running CCC over frames 0..t (PK alone: light, P-AffMem: dark)").xAxisTitle("time (s)")
        .yAxisTitle("CCC").build();
    style(top);
    top.getStyler().setYAxisMin(-1.0).setYAxisMax(1.0);
    double end = Math.max(5, Math.ceil((n == 0 ? 0 : t[n - 1]) / 5) * 5);
    top.getStyler().setXAxisMin(0.0).setXAxisMax(end);
    top.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    top.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    line(top, "PK arousal", t, Scoring.runningCcc(pkA, truthA), AROUSAL_PK, THICK);
    line(top, "PK valence", t, Scoring.runningCcc(pkV, truthV), VALENCE_PK, THICK);
    line(top, "P-AffMem arousal", t, Scoring.runningCcc(memA, truthA), AROUSAL, SOLID);
    line(top, "P-AffMem valence", t, Scoring.runningCcc(memV, truthV), VALENCE, SOLID);
    if (generationEnd > 0) {
      line(top, "end of generation", new double[] {generationEnd, generationEnd}, new double[] {-1, 1}, Color.GRAY, DASHED);
    }

    XYChart bottom = new XYChartBuilder().width(1100).height(320).title("Affective memory of " + video)
        .xAxisTitle("time (s)").yAxisTitle("neurons").build();
    style(bottom);
    bottom.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    bottom.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    bottom.getStyler().setYAxisMin(0.0);
    bottom.getStyler().setXAxisMin(0.0).setXAxisMax(end);
    line(bottom, "neurons", t, size, Color.DARK_GRAY, SOLID);
    XYSeries a = line(bottom, "BMU activation", t, act, new Color(0x2ca02c), new BasicStroke(1f));
    a.setYAxisGroup(1);
    bottom.setYAxisGroupTitle(1, "BMU activation");
    bottom.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    bottom.getStyler().setYAxisMin(1, 0.0);
    bottom.getStyler().setYAxisMax(1, 1.0);
    save(file, stacked(List.of(top, bottom)));
  }

  private static XYSeries line(XYChart c, String name, double[] x, double[] y, Color colour, BasicStroke stroke) {
    // leading undefined values (running CCC over < 2 frames or constant series) are not drawn
    int first = 0;
    while (first < y.length && Double.isNaN(y[first])) {
      first++;
    }
    double[] xs = java.util.Arrays.copyOfRange(x, Math.min(first, x.length), x.length);
    double[] ys = java.util.Arrays.copyOfRange(y, Math.min(first, y.length), y.length);
    if (xs.length == 0) {
      xs = new double[] {x.length == 0 ? 0 : x[0]};
      ys = new double[] {Double.NaN};
    }
    XYSeries s = c.addSeries(name, xs, ys);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(colour);
    s.setLineStyle(stroke);
    return s;
  }

  private static void style(XYChart c) {
    Styler s = c.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(Color.LIGHT_GRAY);
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    c.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    c.getStyler().setPlotGridLinesColor(new Color(0xe6e6e6));
    c.getStyler().setAntiAlias(true);
    c.getStyler().setXAxisDecimalPattern("#0.#");
  }

  private static BufferedImage side(List<? extends Chart<?, ?>> charts) {
    return tiled(charts, true);
  }

  private static BufferedImage stacked(List<? extends Chart<?, ?>> charts) {
    return tiled(charts, false);
  }

  /** The charts drawn next to each other ({@code sideBySide}) or one below the other, on white. */
  private static BufferedImage tiled(List<? extends Chart<?, ?>> charts, boolean sideBySide) {
    List<BufferedImage> imgs = charts.stream().map(BitmapEncoder::getBufferedImage).toList();
    int widths = imgs.stream().mapToInt(BufferedImage::getWidth).sum();
    int widest = imgs.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
    int heights = imgs.stream().mapToInt(BufferedImage::getHeight).sum();
    int tallest = imgs.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
    int w = sideBySide ? widths : widest;
    int h = sideBySide ? tallest : heights;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    int at = 0;
    for (BufferedImage i : imgs) {
      g.drawImage(i, sideBySide ? at : 0, sideBySide ? 0 : at, null);
      at += sideBySide ? i.getWidth() : i.getHeight();
    }
    g.dispose();
    return out;
  }

  private static void save(Path file, BufferedImage img) throws IOException {
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer");
    }
  }
}
