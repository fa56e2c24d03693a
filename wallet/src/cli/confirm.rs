//! A spend proposed before it is made, and its long steps shown while it runs.
//!
//! Every spend pays a fee from shielded value, and a payment spread over more than two notes is
//! several transactions (merges, then the payment), each paying it. So the wallet says what it
//! will do (amount, fee per transaction, number of transactions, total) and asks; `--yes`
//! answers for scripts. Without a terminal to ask on and without `--yes`, nothing is sent.
//!
//! The steps (deriving the parameters, proving, waiting for finality) are drawn as a spinner on
//! standard error when it is a terminal, so that `--json` output on standard output stays one
//! object.

use std::io::{BufRead, IsTerminal, Write};

use zksettle_wallet::{assets::AssetInfo, proposal::Proposal, WalletError};

use crate::report::Units;

/// The lines that describe `proposal`: `verb` (`send`, `unshield`) `to` whom.
pub fn describe(proposal: &Proposal, verb: &str, to: &str, info: &AssetInfo, units: Units) -> Vec<String> {
	let mut lines = vec![format!("{verb} {} to {to}", units.show(info, proposal.amount))];
	if proposal.merges > 0 {
		lines.push(format!(
			"the amount is spread over more than two notes: {} merge transaction(s) first, then the payment",
			proposal.merges
		));
	}
	lines.push(format!(
		"{} transaction(s), fee {} each: {} in fees, {} in all",
		proposal.transactions,
		units.show(info, proposal.fee),
		units.show(info, proposal.fees),
		units.show(info, proposal.total)
	));
	lines
}

/// Go ahead with `proposal` when `yes`, or when the user says so on the terminal; otherwise a
/// usage error that carries the proposal, so that a script sees what it would have done.
pub fn confirm(lines: &[String], yes: bool) -> Result<(), WalletError> {
	if yes {
		return Ok(());
	}
	let stdin = std::io::stdin();
	if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
		return Err(unconfirmed(lines));
	}
	let mut err = std::io::stderr().lock();
	let mut ask = || -> std::io::Result<String> {
		for line in lines {
			writeln!(err, "{line}")?;
		}
		write!(err, "Go ahead? [y/N] ")?;
		err.flush()?;
		let mut answer = String::new();
		stdin.lock().read_line(&mut answer)?;
		Ok(answer)
	};
	let answer = ask().map_err(|e| WalletError::io("terminal".into(), e))?;
	match answer.trim() {
		"y" | "Y" | "yes" | "Yes" => Ok(()),
		_ => Err(WalletError::Usage("not sent: declined".into())),
	}
}

/// The refusal of a proposal nobody could confirm: it says what would have been done.
fn unconfirmed(lines: &[String]) -> WalletError {
	WalletError::Usage(format!("{}; not sent: confirm with --yes (no terminal to ask on)", lines.join("; ")))
}

/// A spinner on standard error (drawn only when it is a terminal) showing the current step.
pub fn spinner() -> indicatif::ProgressBar {
	let bar = indicatif::ProgressBar::new_spinner();
	let style = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
		.unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
	bar.set_style(style);
	bar.enable_steady_tick(std::time::Duration::from_millis(120));
	bar
}

#[cfg(test)]
mod tests {
	use zksettle_wallet::{assets::AssetInfo, builder::AssetArg};

	use super::*;

	/// A payment spread over three notes is proposed as what it is (a merge, then the payment,
	/// two fees), and without a terminal and without `--yes` nothing is sent: the refusal
	/// carries the proposal.
	#[test]
	fn a_multi_transaction_payment_is_proposed_and_not_sent_without_yes() {
		let zks = AssetInfo { asset: AssetArg::Native, symbol: "ZKS".into(), decimals: 12 };
		let proposal = Proposal::new(25_000_000_000_000, 10_000_000_000, 1).unwrap();
		let lines = describe(&proposal, "send", "zks1…", &zks, Units { raw: false });
		assert_eq!(
			lines,
			[
				"send 25 ZKS to zks1…",
				"the amount is spread over more than two notes: 1 merge transaction(s) first, then the payment",
				"2 transaction(s), fee 0.01 ZKS each: 0.02 ZKS in fees, 25.02 ZKS in all",
			]
		);
		assert!(confirm(&lines, true).is_ok());
		match unconfirmed(&lines) {
			WalletError::Usage(message) => {
				assert!(message.starts_with("send 25 ZKS to zks1…; the amount is spread"), "{message}");
				assert!(message.ends_with("not sent: confirm with --yes (no terminal to ask on)"), "{message}");
			},
			other => panic!("{other:?}"),
		}
	}
}
