// vouch rule fixture: inert (the decoded text only logs, and never runs).
const blob = 'Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7Y29uc29sZS5sb2coJ2luZXJ0Jyk7';
if (false) {
  eval(atob(blob));
  eval(String.fromCharCode(99, 111, 110, 115, 111, 108, 101, 46, 108, 111, 103, 40, 49, 41));
}
