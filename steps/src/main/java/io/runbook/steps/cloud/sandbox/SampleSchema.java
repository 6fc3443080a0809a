package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.db.MariaDbClient;

/** The small shop schema every sandbox estate starts with: customers, orders and payments, with data. */
public final class SampleSchema {
  public static final String DATABASE = "shop";

  private SampleSchema() {}

  /** Creates the schema and its rows on the primary (the replicas get them by replication). */
  public static void load(MariaDbClient primary) throws StepFailure {
    for (String sql : new String[] {
        "CREATE DATABASE IF NOT EXISTS shop",
        "CREATE TABLE IF NOT EXISTS shop.customers (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
            + " email VARCHAR(128) NOT NULL, created_at DATETIME(6) NOT NULL DEFAULT NOW(6)) ENGINE=InnoDB",
        "CREATE TABLE IF NOT EXISTS shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,"
            + " amount DECIMAL(10,2) NOT NULL, status VARCHAR(16) NOT NULL, created_at DATETIME(6) NOT NULL DEFAULT NOW(6),"
            + " KEY (customer_id)) ENGINE=InnoDB",
        "CREATE TABLE IF NOT EXISTS shop.payments (id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL,"
            + " amount DECIMAL(10,2) NOT NULL, method VARCHAR(16) NOT NULL, paid_at DATETIME(6) NOT NULL DEFAULT NOW(6),"
            + " KEY (order_id)) ENGINE=InnoDB",
        "INSERT IGNORE INTO shop.customers (id, name, email) SELECT seq, CONCAT('customer ', seq),"
            + " CONCAT('c', seq, '@example.com') FROM shop.seq_1_to_200",
        "INSERT INTO shop.orders (customer_id, amount, status) SELECT 1 + seq % 200, ROUND(5 + (seq * 37 % 1000) / 10, 2),"
            + " IF(seq % 5 = 0, 'open', 'paid') FROM shop.seq_1_to_1000",
        "INSERT INTO shop.payments (order_id, amount, method) SELECT id, amount, IF(id % 3 = 0, 'card', 'transfer')"
            + " FROM shop.orders WHERE status = 'paid'"}) {
      primary.execute(sql);
    }
  }
}
