//! The administrative subcommands' work (`import-policies`, `partner-key`): library code, so that
//! tests and `main.rs` share it.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::platform::db::Db;
use anyhow::Context;

use crate::cli::PartnerKeyAction;
use crate::plans::{self, Plans};
use crate::platform::config::Settings;
use crate::platform::crypto::Crypto;
use crate::policies::import::{self, ImportReport};
use crate::policies::partner;

/// The products the plan files define, stored and mapped to their row ids.
pub async fn products(db: &Db, settings: &Settings) -> anyhow::Result<HashMap<String, i64>> {
    let plans = Plans::load_dir(&settings.plans.dir)
        .map_err(|e| anyhow::anyhow!("product plans are invalid:\n{e}"))?;
    Ok(plans::store::sync(db, &plans, chrono::Utc::now()).await?)
}

/// `/health/ready` of the process on this host's configured port: `Ok` on 200 within 3 s.
pub async fn probe(settings: &Settings) -> anyhow::Result<()> {
    let url = format!("http://127.0.0.1:{}/health/ready", settings.server.port);
    crate::platform::crypto::install_tls_provider();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()?;
    let status = client
        .get(&url)
        .send()
        .await
        .with_context(|| format!("{url} does not answer"))?
        .status();
    anyhow::ensure!(status.is_success(), "{url} answered {status}");
    Ok(())
}

pub async fn import_policies(
    db: &Db,
    settings: &Settings,
    file: &Path,
) -> anyhow::Result<ImportReport> {
    let crypto = Crypto::from_settings(&settings.crypto)?;
    let product_ids = products(db, settings).await?;
    let handle =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = handle.metadata().ok().map(|m| m.len());
    // The server's cached copies of policies must not outlive the import (a shared cache only).
    let cache = crate::startup::connect_cache(settings)?;
    import::import_csv(
        db,
        &*cache,
        std::io::BufReader::new(handle),
        size,
        &product_ids,
        &crypto,
        chrono::Utc::now(),
    )
    .await
}

pub async fn partner_key(
    db: &Db,
    settings: &Settings,
    action: PartnerKeyAction,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    products(db, settings).await?;
    match action {
        PartnerKeyAction::Create { insurer } => {
            let id = plans::store::insurer_id(db, &insurer)
                .await?
                .with_context(|| format!("no insurer `{insurer}` in the product plans"))?;
            let key = partner::create_key(db, id, chrono::Utc::now()).await?;
            writeln!(out, "{}", key.key)?;
            writeln!(
                out,
                "# key {} for {insurer}: shown once, store it now (only its hash is kept)",
                key.prefix
            )?;
        }
        PartnerKeyAction::Revoke { prefix } => {
            let prefix = prefix.trim_start_matches("gcpk_");
            anyhow::ensure!(
                partner::revoke_key(db, prefix, chrono::Utc::now()).await?,
                "no key with prefix {prefix}"
            );
            writeln!(out, "revoked {prefix}")?;
        }
        PartnerKeyAction::List { insurer } => {
            let insurer_id = match &insurer {
                Some(code) => Some(
                    plans::store::insurer_id(db, code)
                        .await?
                        .with_context(|| format!("no insurer `{code}`"))?,
                ),
                None => None,
            };
            for key in partner::list_keys(db, insurer_id).await? {
                let state = key
                    .revoked_at
                    .map_or_else(|| "active".to_owned(), |at| format!("revoked {at}"));
                writeln!(
                    out,
                    "{}\tinsurer {}\tcreated {}\t{state}",
                    key.prefix, key.insurer_id, key.created_at
                )?;
            }
        }
    }
    Ok(())
}

/// Disables or enables `login`; every request re-reads the account, so a disabled one is
/// refused at once on every instance.
async fn set_active(db: &Db, login: &str, active: bool) -> anyhow::Result<()> {
    let account = crate::staff::accounts::find_by_login(db, login)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account `{login}`"))?;
    let change = crate::staff::store::AccountChange {
        active: Some(active),
        ..Default::default()
    };
    crate::staff::store::change_account(db, account.id, change, chrono::Utc::now()).await?;
    Ok(())
}

/// `staff add`: the password comes from `input` (standard input), never from an argument.
pub async fn staff(
    db: &Db,
    settings: &Settings,
    action: crate::cli::StaffAction,
    input: &mut impl std::io::BufRead,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    products(db, settings).await?;
    match action {
        crate::cli::StaffAction::Add {
            login,
            role,
            insurer,
            name,
            work_phone,
        } => {
            let card = crate::staff::card::StaffCard::parse(name.as_deref(), work_phone.as_deref())
                .map_err(crate::staff::accounts::AddError::BadCard)?;
            let mut password = String::new();
            input.read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let account = crate::staff::accounts::add(
                db,
                &login,
                &role,
                insurer.as_deref(),
                password,
                card,
                chrono::Utc::now(),
            )
            .await?;
            writeln!(
                out,
                "created {} account `{}`{}",
                crate::staff::Role::from(account.role).as_str(),
                account.login,
                insurer
                    .map(|i| format!(" for insurer {i}"))
                    .unwrap_or_default()
            )?;
        }
        crate::cli::StaffAction::List => {
            let insurers = crate::staff::store::insurers(db).await?;
            for account in crate::staff::store::all_accounts(db).await? {
                let insurer = account
                    .insurer_id
                    .and_then(|id| insurers.iter().find(|(i, _)| *i == id))
                    .map_or("-", |(_, code)| code.as_str());
                let state = if account.active { "active" } else { "disabled" };
                writeln!(
                    out,
                    "{}\t{}\t{insurer}\t{state}",
                    account.login,
                    crate::staff::Role::from(account.role).as_str()
                )?;
            }
        }
        crate::cli::StaffAction::Disable { login } => {
            set_active(db, &login, false).await?;
            writeln!(out, "disabled `{login}`: its sessions ended")?;
        }
        crate::cli::StaffAction::Enable { login } => {
            set_active(db, &login, true).await?;
            writeln!(out, "enabled `{login}`")?;
        }
        crate::cli::StaffAction::ResetPassword { login } => {
            let mut password = String::new();
            input.read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            anyhow::ensure!(
                password.chars().count() >= 12,
                "the password must be at least 12 characters"
            );
            let account = crate::staff::accounts::find_by_login(db, &login)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account `{login}`"))?;
            let change = crate::staff::store::AccountChange {
                password_hash: Some(crate::staff::accounts::hash_password(password)?),
                ..Default::default()
            };
            crate::staff::store::change_account(db, account.id, change, chrono::Utc::now()).await?;
            writeln!(out, "password of `{login}` reset")?;
        }
    }
    Ok(())
}

/// `bindings`: the policies bound to more than one account as their insured, or one binding
/// removed (see `cli::BindingAction`).
pub async fn bindings(
    db: &Db,
    action: crate::cli::BindingAction,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    use crate::policies::store::holders;
    match action {
        crate::cli::BindingAction::Doubles => {
            let doubles = holders::doubles(db).await?;
            for double in &doubles {
                writeln!(out, "{}", double.policy_no)?;
                for holder in &double.holders {
                    writeln!(
                        out,
                        "  {}  bound {}  phone {}",
                        holder.user,
                        holder
                            .bound_at
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        if holder.phone_matches {
                            "matches the policy"
                        } else {
                            "not the policy's"
                        }
                    )?;
                }
            }
            writeln!(
                out,
                "{} policies bound to more than one account",
                doubles.len()
            )?;
        }
        crate::cli::BindingAction::Remove { policy_no, user } => {
            anyhow::ensure!(
                holders::unbind(db, &policy_no, user).await?,
                "no binding of {user} to {policy_no} as its insured"
            );
            writeln!(out, "removed the binding of {user} to {policy_no}")?;
        }
    }
    Ok(())
}
