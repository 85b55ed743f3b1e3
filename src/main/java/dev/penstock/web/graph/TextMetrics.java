package dev.penstock.web.graph;

/**
 * Guesses how wide text draws without a font: layout needs node sizes before any browser has seen
 * the text. Widths are for the page's default sans-serif at 13 px (labels) and 11 px (subtitles); a
 * guess somewhat too wide only costs white space. Stateless.
 */
final class TextMetrics {
  /** Longer labels are cut with an ellipsis; the SVG keeps the whole one in a hover title. */
  static final int MAX_LABEL_CODE_POINTS = 32;

  /** A group's counts by status can run long; the hover title has them whole. */
  static final int MAX_SUBTITLE_CODE_POINTS = 44;

  static final double LABEL_FONT_PX = 13;
  static final double SUBTITLE_FONT_PX = 11;

  /** Average advance of a Latin character, as a fraction of the font size. */
  private static final double NARROW_EM = 0.6;

  /** CJK ideographs, kana, Hangul and emoji take about a full em. */
  private static final double WIDE_EM = 1.0;

  private TextMetrics() {}

  /** The label as drawn: cleaned for XML, at most {@link #MAX_LABEL_CODE_POINTS} code points. */
  static String displayLabel(String label) {
    return shorten(label, MAX_LABEL_CODE_POINTS);
  }

  /** The subtitle as drawn, or "" for none. */
  static String displaySubtitle(String subtitle) {
    return subtitle == null ? "" : shorten(subtitle, MAX_SUBTITLE_CODE_POINTS);
  }

  private static String shorten(String text, int maxCodePoints) {
    String cleaned = XmlText.clean(text);
    if (cleaned.codePointCount(0, cleaned.length()) <= maxCodePoints) {
      return cleaned;
    }
    // Cut by code points so an emoji is never split into half a surrogate pair.
    int end = cleaned.offsetByCodePoints(0, maxCodePoints - 1);
    return cleaned.substring(0, end).stripTrailing() + "…";
  }

  /** Estimated drawn width, in pixels, of {@code text} at {@code fontPx}. */
  static double width(String text, double fontPx) {
    return text.codePoints().mapToDouble(c -> isWide(c) ? WIDE_EM : NARROW_EM).sum() * fontPx;
  }

  private static boolean isWide(int codePoint) {
    return (codePoint >= 0x1100 && codePoint <= 0x115F) // Hangul Jamo
        || (codePoint >= 0x2E80 && codePoint <= 0xA4CF) // CJK, kana, Yi
        || (codePoint >= 0xAC00 && codePoint <= 0xD7A3) // Hangul syllables
        || (codePoint >= 0xF900 && codePoint <= 0xFAFF) // CJK compatibility
        || (codePoint >= 0xFF00 && codePoint <= 0xFF60) // full-width forms
        || codePoint >= 0x1F000; // emoji, CJK extensions
  }
}
