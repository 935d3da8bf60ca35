package dev.aman.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Binding of the positional arguments that the stores build up for their filtered queries. */
public final class Sql {
    private Sql() {
    }

    /** Binds {@code args} in order: Integer, Long, null (as VARCHAR) or anything else as its string. */
    public static void bind(PreparedStatement ps, List<?> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            set(ps, i + 1, args.get(i));
        }
    }

    public static void set(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else if (value instanceof Integer n) {
            ps.setInt(index, n);
        } else if (value instanceof Long n) {
            ps.setLong(index, n);
        } else {
            ps.setString(index, value.toString());
        }
    }
}
