package dev.fraudengine.examples;

/**
 * The transaction file formats the commands read, each one transaction per line with an optional label and fraud
 * pattern. See {@link TransactionInput} for the columns and fields.
 */
enum InputFormat {
  /**
   * The Fraud Detection Handbook CSV (plain or {@code .gz}): {@code TRANSACTION_ID, TX_DATETIME, CUSTOMER_ID,
   * TERMINAL_ID, TX_AMOUNT, TX_FRAUD} and, when present, {@code TX_FRAUD_SCENARIO} as the fraud pattern.
   */
  fdh,
  /** A header-based CSV of the transaction's fields, its label and its fraud pattern. */
  csv,
  /** One JSON object per line with the same fields as {@link #csv}. */
  jsonl;

  /**
   * Guesses the format from a file name: {@code .jsonl}/{@code .json} (optionally {@code .gz}) is JSON lines,
   * anything else CSV.
   *
   * @param fileName the file's name
   * @return {@link #jsonl} or {@link #csv}
   */
  static InputFormat guess(String fileName) {
    String n = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
    return n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson") ? jsonl : csv;
  }
}
