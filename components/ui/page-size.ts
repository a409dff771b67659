/** Rows per page of the console's long lists: a fleet's 10,000 models render 50 at a time. */
export const pageSize = 50;
