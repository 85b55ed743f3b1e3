package dev.penstock.web.graph;

/** Makes user text safe inside XML 1.0 text and attribute values. Stateless. */
final class XmlText {
  private XmlText() {}

  /**
   * The text without characters XML 1.0 forbids even as references: controls other than tab, line
   * feed and carriage return, unpaired surrogates, U+FFFE and U+FFFF. A step name holding a NUL
   * would otherwise make the whole drawing unparsable.
   */
  static String clean(String text) {
    if (text.codePoints().allMatch(XmlText::isAllowed)) {
      return text;
    }
    var cleaned = new StringBuilder(text.length());
    text.codePoints().filter(XmlText::isAllowed).forEach(cleaned::appendCodePoint);
    return cleaned.toString();
  }

  /**
   * {@link #clean cleaned}, then escaped for use in text and in double- or single-quoted values.
   */
  static String escape(String text) {
    String cleaned = clean(text);
    var escaped = new StringBuilder(cleaned.length() + 16);
    for (int i = 0; i < cleaned.length(); i++) {
      char c = cleaned.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        // Attribute values normalise raw tab and newlines to spaces; references keep them.
        case '\t' -> escaped.append("&#9;");
        case '\n' -> escaped.append("&#10;");
        case '\r' -> escaped.append("&#13;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  private static boolean isAllowed(int codePoint) {
    return codePoint == 0x9
        || codePoint == 0xA
        || codePoint == 0xD
        || (codePoint >= 0x20 && codePoint <= 0xD7FF)
        || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
        || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
  }
}
