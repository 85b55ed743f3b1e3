package dev.penstock.web.graph;

/**
 * A node with its box: top-left corner and size in pixels, in the drawing's coordinates (origin at
 * its top-left, y downwards). Immutable.
 */
public record PlacedNode(GraphNode node, double x, double y, double width, double height) {}
