//! Values written into a statement's text, for the writes a PostgreSQL transaction sends in
//! one message with its COMMIT (that message, a simple query, takes no parameters). Each value
//! is written as its parameter would have been sent (`ToSql for Value`): a quoted literal cast
//! to the parameter's type, the quotes and backslashes inside doubled, as libpq's
//! `PQescapeLiteral` writes them. A value or type without such a literal here (a text holding
//! NUL, a number out of its column's range, a type not listed) makes the caller send its
//! statements one by one with parameters instead, where the server judges them as before.

use postgres::types::Type;

use crate::sql::Value;

/// At most this many values are written into one COMMIT's message; more go as parameters.
pub(crate) const MAX_VALUES: usize = 1_000;

/// `sql` (in the shared `?1` syntax) with every parameter written in. Parameter `?n` takes
/// `args[n-1]` and the type `types[(n-1) % types.len()]` (a statement of several rows repeats
/// the one-row statement's types).
pub(crate) fn statement(sql: &str, args: &[Value], types: &[Type]) -> Option<String> {
    let mut out = String::with_capacity(sql.len() + 24 * args.len());
    crate::sql::each_parameter(sql, &mut out, |digits, out| {
        let index = digits.parse::<usize>().ok()?.checked_sub(1)?;
        let ty = types.get(index % types.len().max(1))?;
        out.push_str(&literal(args.get(index)?, ty)?);
        Some(())
    })?;
    Some(out)
}

/// One value as a literal of type `ty`, converted as `ToSql for Value` converts it.
fn literal(value: &Value, ty: &Type) -> Option<String> {
    let text = match (value, ty) {
        (Value::Null, _) => return Some(format!("CAST(NULL AS {})", type_name(ty)?)),
        (Value::Int(i), &Type::INT2) => i16::try_from(*i).ok()?.to_string(),
        (Value::Int(i), &Type::INT4) => i32::try_from(*i).ok()?.to_string(),
        (Value::Int(i), &Type::INT8 | &Type::TEXT | &Type::VARCHAR) => i.to_string(),
        (Value::Int(i), &Type::BOOL) => (*i != 0).to_string(),
        (Value::Int(i), &Type::FLOAT8) => float(*i as f64),
        (Value::Bool(b), &Type::BOOL) => b.to_string(),
        (Value::Bool(b), _) => return literal(&Value::Int(i64::from(*b)), ty),
        (Value::Real(f), &Type::FLOAT8) => float(*f),
        (Value::Text(s), &Type::TEXT | &Type::VARCHAR) => s.clone(),
        _ => return None,
    };
    Some(format!("CAST({} AS {})", quoted(&text)?, type_name(ty)?))
}

/// The types written here, by the names PostgreSQL knows them by.
pub(crate) fn type_name(ty: &Type) -> Option<&'static str> {
    Some(match *ty {
        Type::INT2 => "int2",
        Type::INT4 => "int4",
        Type::INT8 => "int8",
        Type::BOOL => "bool",
        Type::FLOAT8 => "float8",
        Type::TEXT => "text",
        Type::VARCHAR => "varchar",
        _ => return None,
    })
}

/// A float as PostgreSQL reads it back to the same value (the shortest exact form).
fn float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        format!("{f:?}")
    }
}

/// `text` as an escape string constant: `E'…'` with `\` and `'` doubled, read the same
/// whatever `standard_conforming_strings` says. `None` for a NUL, which no text may hold.
fn quoted(text: &str) -> Option<String> {
    if text.contains('\0') {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 4);
    out.push_str("E'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_doubled_and_a_nul_has_no_literal() {
        assert_eq!(
            quoted(r"l'école \n ?1 $1").unwrap(),
            r"E'l''école \\n ?1 $1'"
        );
        assert_eq!(quoted("a\0b"), None);
        assert_eq!(
            literal(
                &Value::Text("x'); DROP TABLE cases; --".into()),
                &Type::TEXT
            )
            .unwrap(),
            "CAST(E'x''); DROP TABLE cases; --' AS text)"
        );
    }

    #[test]
    fn values_convert_as_their_parameters_would() {
        let lit = |v: Value, ty: Type| literal(&v, &ty);
        assert_eq!(
            lit(Value::Int(7), Type::INT8).unwrap(),
            "CAST(E'7' AS int8)"
        );
        assert_eq!(
            lit(Value::Int(2), Type::BOOL).unwrap(),
            "CAST(E'true' AS bool)"
        );
        assert_eq!(
            lit(Value::Bool(true), Type::INT4).unwrap(),
            "CAST(E'1' AS int4)"
        );
        assert_eq!(lit(Value::Int(1 << 40), Type::INT4), None);
        assert_eq!(
            lit(Value::Int(-3), Type::TEXT).unwrap(),
            "CAST(E'-3' AS text)"
        );
        assert_eq!(
            lit(Value::Real(0.1), Type::FLOAT8).unwrap(),
            "CAST(E'0.1' AS float8)"
        );
        assert_eq!(
            lit(Value::Real(f64::NAN), Type::FLOAT8).unwrap(),
            "CAST(E'NaN' AS float8)"
        );
        assert_eq!(lit(Value::Real(1.5), Type::INT8), None);
        assert_eq!(lit(Value::Null, Type::TEXT).unwrap(), "CAST(NULL AS text)");
        assert_eq!(lit(Value::Text("x".into()), Type::BYTEA), None);
    }

    #[test]
    fn parameters_are_replaced_by_number_and_rows_repeat_their_types() {
        let args: Vec<Value> = (1..=12).map(Value::Int).collect();
        let types = [Type::INT8, Type::TEXT];
        let sql = "VALUES (?1, ?2), (?3, ?4), (?5, ?6), (?7, ?8), (?9, ?10), (?11, ?12)";
        let written = statement(sql, &args, &types).unwrap();
        assert!(written.starts_with("VALUES (CAST(E'1' AS int8), CAST(E'2' AS text)), "));
        assert!(written.ends_with("(CAST(E'11' AS int8), CAST(E'12' AS text))"));
        assert_eq!(statement("SELECT ?3", &args[..2], &types), None);
        assert_eq!(
            statement("SELECT ? + ?1", &args, &types).unwrap(),
            "SELECT ? + CAST(E'1' AS int8)"
        );
    }
}
