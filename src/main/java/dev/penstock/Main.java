package dev.penstock;
public final class Main { public static void main(String[] args) {} }
