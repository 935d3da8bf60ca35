package dev.aman.http;

/** One API area: its {@code register} reads like the endpoint table. */
public interface Routes {
    void register(Registrar registrar);

    /** Where routes classes declare their endpoints. */
    interface Registrar {
        void add(RouteSpec spec, ApiHandler handler);
    }
}
