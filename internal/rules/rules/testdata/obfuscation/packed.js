// vouch rule fixture: inert.
if (false) {
  eval(function(p,a,c,k,e,d){return p}('0 1',2,2,'console|log'.split('|'),0,{}));
}
