package io.runbook.engine.util;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** "Did you mean" suggestions for misspelt keys, fields, steps and params (edit distance). */
public final class Spelling {
  private Spelling() {}

  /** The closest candidate within a distance that still looks like a typo, if any. */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    List<String> close = close(word, candidates);
    return close.isEmpty() ? Optional.empty() : Optional.of(close.get(0));
  }

  /** Candidates within typo distance, nearest first. */
  public static List<String> close(String word, Collection<String> candidates) {
    int limit = Math.max(1, Math.min(3, word.length() / 3));
    List<String> out = new ArrayList<>();
    for (String c : candidates) {
      if (distance(word.toLowerCase(), c.toLowerCase()) <= limit) out.add(c);
    }
    out.sort(Comparator.comparingInt((String c) -> distance(word, c)).thenComparing(c -> c));
    return out;
  }

  /** " (did you mean 'x'?)" or the empty string. */
  public static String hint(String word, Collection<String> candidates) {
    return closest(word, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
  }

  /** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters counts as one edit. */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
