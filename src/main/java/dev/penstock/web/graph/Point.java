package dev.penstock.web.graph;

/** A point in the drawing's coordinates, in pixels (y downwards). Immutable. */
public record Point(double x, double y) {}
