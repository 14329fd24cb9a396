// Where the payments service keeps its migrations, relative to the repository root.
export const MIGRATIONS_PATH = 'services/payments/migrations';
