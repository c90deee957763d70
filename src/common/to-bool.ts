/**
 * `@Transform(toBool)` for a boolean query parameter: the query string carries
 * `?open=true` as the text "true", which `@IsBoolean()` would refuse. Only the
 * two exact words are converted; anything else reaches the validator as it
 * came and is refused there (400 naming the field).
 */
export const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
