package io.runbook.testkit.mariadb;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts throwaway MariaDB servers once for the annotated test class (a primary, and a GTID replica when
 * {@link #replica()} is set) and stops and deletes them after the class, also when tests fail. Test methods and
 * lifecycle methods receive them as parameters: {@link MariaDbServer} (the primary), {@code @Replica MariaDbServer},
 * or {@link ReplicationPair}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(MariaDbExtension.class)
public @interface MariaDbTest {
  /** Also start a replica wired to the primary by GTID. */
  boolean replica() default false;

  /** Extra mariadbd options for every server, as {@code name=value} (e.g. {@code sync_binlog=0}). */
  String[] options() default {};
}
