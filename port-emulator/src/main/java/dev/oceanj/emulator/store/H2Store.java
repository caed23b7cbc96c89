package dev.oceanj.emulator.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A file-backed store: an H2 database ({@code <dir>/port.mv.db}) written through on every change, with the
 * {@link MemoryStore} maps kept as the read side (loaded from the file at open).
 *
 * <p>Every {@link #write} and document change is one committed transaction before the method returns, and the
 * database runs with {@code WRITE_DELAY=0}, so a write that the emulator has acknowledged survives a kill of the
 * process. Blocking JDBC calls make the emulator run requests on its own worker pool when this store is used.
 */
public final class H2Store extends MemoryStore {

  private static final char TARGET_SEPARATOR = '\u0001';
  private static final int CONNECTIONS = 4;

  private final Path dir;
  private final BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(CONNECTIONS);
  private final List<Connection> all = new ArrayList<>();

  private H2Store(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens (or creates) the database in {@code dir} and loads it.
   *
   * @throws IllegalStateException naming the directory when it cannot be created or the database cannot be opened
   */
  public static H2Store open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot create the emulator data directory " + dir + ": " + e.getMessage(), e);
    }
    H2Store store = new H2Store(dir);
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("port") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    try {
      for (int i = 0; i < CONNECTIONS; i++) {
        Connection c = DriverManager.getConnection(url, "sa", "");
        store.all.add(c);
        store.pool.add(c);
      }
      store.createSchema();
      store.load();
      return store;
    } catch (SQLException e) {
      store.close();
      throw new IllegalStateException("Cannot open the emulator database in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The data directory. */
  public Path dir() {
    return dir;
  }

  private void createSchema() throws SQLException {
    withConnection(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS documents (kind VARCHAR NOT NULL, id VARCHAR NOT NULL, "
            + "json VARCHAR NOT NULL, PRIMARY KEY (kind, id))");
        s.execute("CREATE TABLE IF NOT EXISTS entities (blueprint VARCHAR NOT NULL, identifier VARCHAR NOT NULL, "
            + "datasource VARCHAR, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, targets VARCHAR NOT NULL, "
            + "json VARBINARY NOT NULL, PRIMARY KEY (blueprint, identifier))");
      }
      return null;
    });
  }

  private void load() throws SQLException {
    withConnection(c -> {
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT kind, id, json FROM documents")) {
          while (rs.next()) {
            super.putDocument(rs.getString(1), rs.getString(2), rs.getString(3));
          }
        }
        List<StoredEntity> batch = new ArrayList<>(10_000);
        try (ResultSet rs = s.executeQuery(
            "SELECT blueprint, identifier, datasource, created_at, updated_at, targets, json FROM entities")) {
          while (rs.next()) {
            String targets = rs.getString(6);
            List<String> targetList = targets.isEmpty()
                ? List.of()
                : Arrays.asList(targets.split(String.valueOf(TARGET_SEPARATOR)));
            batch.add(new StoredEntity(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getLong(5), targetList, rs.getBytes(7)));
            if (batch.size() == 10_000) {
              applyInMemory(batch, List.of());
              batch.clear();
            }
          }
        }
        applyInMemory(batch, List.of());
      }
      return null;
    });
  }

  @Override
  public void putDocument(String kind, String id, String json) {
    sql(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO documents (kind, id, json) KEY (kind, id) VALUES (?, ?, ?)")) {
        ps.setString(1, kind);
        ps.setString(2, id);
        ps.setString(3, json);
        ps.executeUpdate();
      }
      return null;
    });
    super.putDocument(kind, id, json);
  }

  @Override
  public boolean deleteDocument(String kind, String id) {
    sql(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM documents WHERE kind = ? AND id = ?")) {
        ps.setString(1, kind);
        ps.setString(2, id);
        ps.executeUpdate();
      }
      return null;
    });
    return super.deleteDocument(kind, id);
  }

  @Override
  public void write(Collection<StoredEntity> upserts, Collection<String> deleteKeys) {
    if (upserts.isEmpty() && deleteKeys.isEmpty()) {
      return;
    }
    sql(c -> {
      c.setAutoCommit(false);
      try {
        if (!upserts.isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement("MERGE INTO entities (blueprint, identifier, datasource, "
              + "created_at, updated_at, targets, json) KEY (blueprint, identifier) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredEntity e : upserts) {
              ps.setString(1, e.blueprint());
              ps.setString(2, e.identifier());
              ps.setString(3, e.datasource());
              ps.setLong(4, e.createdAt());
              ps.setLong(5, e.updatedAt());
              ps.setString(6, String.join(String.valueOf(TARGET_SEPARATOR), e.relationTargets()));
              ps.setBytes(7, e.json());
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        if (!deleteKeys.isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM entities WHERE blueprint = ? AND identifier = ?")) {
            for (String key : deleteKeys) {
              ps.setString(1, StoredEntity.blueprintOf(key));
              ps.setString(2, StoredEntity.identifierOf(key));
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      return null;
    });
    applyInMemory(upserts, deleteKeys);
  }

  @Override
  public void clear() {
    sql(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("DELETE FROM documents");
        s.execute("DELETE FROM entities");
      }
      return null;
    });
    super.clear();
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Closing on shutdown: nothing useful to do with the failure, the data is already committed.
      }
    }
    all.clear();
  }

  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T withConnection(SqlWork<T> work) throws SQLException {
    Connection c;
    try {
      c = pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a database connection", e);
    }
    try {
      return work.run(c);
    } finally {
      pool.add(c);
    }
  }

  private <T> T sql(SqlWork<T> work) {
    try {
      return withConnection(work);
    } catch (SQLException e) {
      throw new IllegalStateException("Emulator database in " + dir + " failed: " + e.getMessage(), e);
    }
  }
}
