package io.rune.storage; public class Main { public static void main(String[] a){} }
